package dev.domainevents.outbox;

import dev.domainevents.spi.SqlScripts;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;

/**
 * Creates the outbox's tables. Every statement is {@code CREATE ... IF NOT EXISTS}, so creating
 * twice is harmless; production schemas usually apply {@link #ddl} through their migration tool
 * instead.
 */
public final class OutboxSchema {
  private OutboxSchema() {}

  /**
   * Creates the tables and indexes on {@code connection}, in the connection's current schema, and
   * commits if the connection is not in auto-commit mode.
   */
  public static void create(Connection connection, OutboxDialect dialect) throws SQLException {
    Objects.requireNonNull(connection, "connection");
    Objects.requireNonNull(dialect, "dialect");
    SqlScripts.run(connection, ddl(dialect));
  }

  /** Returns the dialect's DDL script, as shipped in {@link OutboxDialect#ddlResource()}. */
  public static String ddl(OutboxDialect dialect) {
    Objects.requireNonNull(dialect, "dialect");
    return SqlScripts.read(OutboxSchema.class, dialect.ddlResource());
  }

  /** Splits a script at {@code ;} ending a line, dropping {@code --} comment lines. */
  static List<String> statements(String script) {
    return SqlScripts.statements(script);
  }
}
