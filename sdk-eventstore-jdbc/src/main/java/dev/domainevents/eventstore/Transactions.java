package dev.domainevents.eventstore;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * The one transaction template of this module: a connection of its own, auto-commit off, the work,
 * commit; on any failure roll back and rethrow; the connection's auto-commit mode restored.
 */
final class Transactions {
  private Transactions() {}

  /** Work to run in one transaction. */
  interface Work<T, E extends Exception> {
    T run(Connection connection) throws SQLException, E;
  }

  /**
   * Runs {@code work} in one transaction on a new connection from {@code dataSource}, read
   * committed if {@code readCommitted}, else at the connection's default isolation.
   */
  static <T, E extends Exception> T run(
      DataSource dataSource, boolean readCommitted, Work<T, E> work) throws SQLException, E {
    try (Connection connection = dataSource.getConnection()) {
      if (readCommitted) {
        connection.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
      }
      boolean autoCommit = connection.getAutoCommit();
      connection.setAutoCommit(false);
      try {
        T result = work.run(connection);
        connection.commit();
        return result;
      } catch (Exception | Error e) {
        try {
          connection.rollback();
        } catch (SQLException rollback) {
          e.addSuppressed(rollback);
        }
        throw e;
      } finally {
        try {
          connection.setAutoCommit(autoCommit);
        } catch (SQLException ignored) {
          // The connection is broken; closing it is all that is left to do.
        }
      }
    }
  }
}
