package dev.domainevents.spi;

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
 * The DDL scripts the JDBC modules ship as class-path resources: read, split and run in one place.
 * A script is statements each ending with {@code ;} at a line end, and {@code --} comment lines.
 */
public final class SqlScripts {
  private SqlScripts() {}

  /** Reads the resource {@code name} with {@code owner}'s class loader. */
  public static String read(Class<?> owner, String name) {
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(name, "name");
    try (InputStream in = owner.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + name, e);
    }
  }

  /**
   * Runs every statement of {@code script} on {@code connection}, then commits if the connection is
   * not in auto-commit mode.
   */
  public static void run(Connection connection, String script) throws SQLException {
    Objects.requireNonNull(connection, "connection");
    try (Statement statement = connection.createStatement()) {
      for (String sql : statements(script)) {
        statement.execute(sql);
      }
    }
    if (!connection.getAutoCommit()) {
      connection.commit();
    }
  }

  /** Splits a script at {@code ;} ending a line, dropping {@code --} comment lines. */
  public static List<String> statements(String script) {
    Objects.requireNonNull(script, "script");
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
