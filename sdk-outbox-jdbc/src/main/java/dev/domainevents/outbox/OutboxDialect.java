package dev.domainevents.outbox;

/**
 * The databases whose DDL ships with this module. Both support {@code FOR UPDATE SKIP LOCKED},
 * which lets several relays poll one table without claiming a row twice.
 *
 * <p>MySQL 8 and MariaDB 10.6 also support it; their DDL is documented in the package Javadoc,
 * untested by this module's build.
 */
public enum OutboxDialect {
  /** PostgreSQL 10 or newer. */
  POSTGRESQL("postgresql.sql"),
  /** H2 2.2 or newer, e.g. embedded for tests and demos. */
  H2("h2.sql");

  private final String ddlResource;

  OutboxDialect(String ddlFile) {
    this.ddlResource = "META-INF/domainevents/outbox/" + ddlFile;
  }

  /** The class path resource holding this dialect's DDL. */
  public String ddlResource() {
    return ddlResource;
  }
}
