package dev.domainevents.outbox;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
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
    try (Statement statement = connection.createStatement()) {
      for (String sql : statements(ddl(dialect))) {
        statement.execute(sql);
      }
    }
    Transactions.commitUnlessAutoCommit(connection);
  }

  /** Returns the dialect's DDL script, as shipped in {@link OutboxDialect#ddlResource()}. */
  public static String ddl(OutboxDialect dialect) {
    Objects.requireNonNull(dialect, "dialect");
    try (InputStream in =
        OutboxSchema.class.getClassLoader().getResourceAsStream(dialect.ddlResource())) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + dialect.ddlResource());
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + dialect.ddlResource(), e);
    }
  }

  /** Splits a script at {@code ;} ending a line, dropping {@code --} comment lines. */
  static List<String> statements(String script) {
    List<String> statements = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : script.split("\n")) {
      String trimmed = line.strip();
      if (trimmed.isEmpty() || trimmed.startsWith("--")) {
        continue;
      }
      current.append(line).append('\n');
      if (trimmed.endsWith(";")) {
        String sql = current.toString().strip();
        statements.add(sql.substring(0, sql.length() - 1));
        current.setLength(0);
      }
    }
    if (!current.toString().isBlank()) {
      statements.add(current.toString().strip());
    }
    return statements;
  }
}
