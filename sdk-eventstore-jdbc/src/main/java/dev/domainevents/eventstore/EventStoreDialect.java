package dev.domainevents.eventstore;

/** The databases whose DDL ships with this module and on which its build tests the store. */
public enum EventStoreDialect {
  /** PostgreSQL 10 or newer. */
  POSTGRESQL("postgresql.sql"),
  /** H2 2.2 or newer, e.g. embedded for tests and demos. */
  H2("h2.sql"),
  /** MariaDB 10.6 or newer, InnoDB. */
  MARIADB("mariadb.sql");

  private final String ddlResource;

  EventStoreDialect(String ddlFile) {
    this.ddlResource = "META-INF/domainevents/eventstore/" + ddlFile;
  }

  /** The class path resource holding this dialect's DDL. */
  public String ddlResource() {
    return ddlResource;
  }
}
