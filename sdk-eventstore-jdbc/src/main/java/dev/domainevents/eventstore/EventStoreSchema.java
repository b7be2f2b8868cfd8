package dev.domainevents.eventstore;

import dev.domainevents.spi.SqlScripts;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;

/**
 * Creates the event store's tables. Every statement is {@code CREATE ... IF NOT EXISTS}, so
 * creating twice is harmless; production schemas usually apply {@link #ddl} with their migration
 * tool instead.
 */
public final class EventStoreSchema {
  private EventStoreSchema() {}

  /**
   * Creates the tables on {@code connection}, in its current schema, and commits if the connection
   * is not in auto-commit mode.
   */
  public static void create(Connection connection, EventStoreDialect dialect) throws SQLException {
    SqlScripts.run(connection, ddl(dialect));
  }

  /** Returns the dialect's DDL script, as shipped in {@link EventStoreDialect#ddlResource()}. */
  public static String ddl(EventStoreDialect dialect) {
    Objects.requireNonNull(dialect, "dialect");
    return SqlScripts.read(EventStoreSchema.class, dialect.ddlResource());
  }
}
