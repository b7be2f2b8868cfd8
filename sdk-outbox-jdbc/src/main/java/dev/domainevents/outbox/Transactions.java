package dev.domainevents.outbox;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * The one JDBC transaction template of this module: turn auto-commit off, run the work, commit; on
 * any failure roll back and rethrow; always restore the connection's auto-commit mode, so a pooled
 * connection goes back as it came.
 */
final class Transactions {
  private Transactions() {}

  /** Runs {@code work} in one transaction on a new connection from {@code dataSource}. */
  static <T> T run(DataSource dataSource, JdbcOutbox.TransactionWork<T> work) throws SQLException {
    try (Connection connection = dataSource.getConnection()) {
      return run(connection, work);
    }
  }

  /**
   * Runs {@code work} in one transaction on {@code connection}. The work may commit in between,
   * e.g. once per batch; what it left uncommitted is committed when it returns.
   */
  static <T> T run(Connection connection, JdbcOutbox.TransactionWork<T> work) throws SQLException {
    boolean autoCommit = connection.getAutoCommit();
    connection.setAutoCommit(false);
    try {
      T result = work.run(connection);
      connection.commit();
      return result;
    } catch (SQLException | RuntimeException | Error e) {
      rollbackQuietly(connection, e);
      throw e;
    } finally {
      restoreAutoCommit(connection, autoCommit);
    }
  }

  /** Commits a statement run outside {@link #run}, unless the connection commits by itself. */
  static void commitUnlessAutoCommit(Connection connection) throws SQLException {
    if (!connection.getAutoCommit()) {
      connection.commit();
    }
  }

  private static void rollbackQuietly(Connection connection, Throwable cause) {
    try {
      connection.rollback();
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }

  private static void restoreAutoCommit(Connection connection, boolean autoCommit) {
    try {
      connection.setAutoCommit(autoCommit);
    } catch (SQLException ignored) {
      // The connection is broken; closing it is all that is left to do.
    }
  }
}
