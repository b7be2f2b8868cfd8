package dev.domainevents.outbox;

/**
 * The databases whose DDL ships with this module, and on which its build runs the outbox, the
 * relay, the transactional messages and the database event bus. All support {@code FOR UPDATE SKIP
 * LOCKED}, which lets several relays poll one table without claiming a row twice.
 */
public enum OutboxDialect {
  /** PostgreSQL 10 or newer. */
  POSTGRESQL("postgresql.sql"),
  /** H2 2.2 or newer, e.g. embedded for tests and demos. */
  H2("h2.sql"),
  /**
   * MariaDB 10.6 or newer, InnoDB. MySQL 8.0 accepts the same DDL and SQL, but the build tests them
   * on MariaDB only.
   */
  MARIADB("mariadb.sql");

  private final String ddlResource;

  OutboxDialect(String ddlFile) {
    this.ddlResource = "META-INF/domainevents/outbox/" + ddlFile;
  }

  /** The class path resource holding this dialect's DDL. */
  public String ddlResource() {
    return ddlResource;
  }
}
