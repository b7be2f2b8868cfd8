package dev.domainevents.spi;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * The one JDBC transaction template of the JDBC modules (the outbox, the event store): turn
 * auto-commit off, run the work, commit; on any failure roll back and rethrow; always restore the
 * connection's auto-commit mode, so a pooled connection goes back as it came.
 */
public final class JdbcTransactions {
  private JdbcTransactions() {}

  /**
   * Work to run in one transaction.
   *
   * @param <T> what the work returns
   * @param <E> the checked exception the work may throw besides {@link SQLException}
   */
  @FunctionalInterface
  public interface Work<T, E extends Exception> {
    /** Does the work on {@code connection}; the transaction commits if this returns normally. */
    T run(Connection connection) throws SQLException, E;
  }

  /** Runs {@code work} in one transaction on a new connection from {@code dataSource}. */
  public static <T, E extends Exception> T run(DataSource dataSource, Work<T, E> work)
      throws SQLException, E {
    Objects.requireNonNull(dataSource, "dataSource");
    try (Connection connection = dataSource.getConnection()) {
      return run(connection, work);
    }
  }

  /**
   * Runs {@code work} in one transaction on a new connection from {@code dataSource}, at the
   * isolation level {@code isolation} (a {@link Connection} {@code TRANSACTION_} constant).
   */
  public static <T, E extends Exception> T run(
      DataSource dataSource, int isolation, Work<T, E> work) throws SQLException, E {
    Objects.requireNonNull(dataSource, "dataSource");
    try (Connection connection = dataSource.getConnection()) {
      connection.setTransactionIsolation(isolation);
      return run(connection, work);
    }
  }

  /**
   * Runs {@code work} in one transaction on {@code connection}. The work may commit in between,
   * e.g. once per batch; what it left uncommitted is committed when it returns.
   */
  public static <T, E extends Exception> T run(Connection connection, Work<T, E> work)
      throws SQLException, E {
    Objects.requireNonNull(work, "work");
    try (Transaction transaction = begin(connection)) {
      T result = work.run(connection);
      transaction.commit();
      return result;
    }
  }

  /**
   * Begins a transaction on {@code connection} for work that spans calls, such as a batch that is
   * claimed in one call and marked in a later one. Use it in try-with-resources: {@link
   * Transaction#close()} rolls back what was not committed and restores auto-commit.
   */
  public static Transaction begin(Connection connection) throws SQLException {
    Objects.requireNonNull(connection, "connection");
    boolean autoCommit = connection.getAutoCommit();
    connection.setAutoCommit(false);
    return new Transaction(connection, autoCommit);
  }

  /** A transaction begun with {@link #begin}: commit it, then close it. */
  public static final class Transaction implements AutoCloseable {
    private final Connection connection;
    private final boolean autoCommit;
    private boolean committed;

    private Transaction(Connection connection, boolean autoCommit) {
      this.connection = connection;
      this.autoCommit = autoCommit;
    }

    /** The connection the transaction runs on. */
    public Connection connection() {
      return connection;
    }

    /** Commits; {@link #close()} then only restores auto-commit. */
    public void commit() throws SQLException {
      connection.commit();
      committed = true;
    }

    /**
     * Rolls back unless committed, and restores the connection's auto-commit mode, so that a pooled
     * connection goes back as it came. A failed restore is ignored: the connection is broken, and
     * closing it is all that is left to do.
     */
    @Override
    public void close() throws SQLException {
      try {
        if (!committed) {
          connection.rollback();
        }
      } finally {
        try {
          connection.setAutoCommit(autoCommit);
        } catch (SQLException ignored) {
          // The connection is broken; closing it is all that is left to do.
        }
      }
    }
  }

  /** Commits a statement run outside {@link #run}, unless the connection commits by itself. */
  public static void commitUnlessAutoCommit(Connection connection) throws SQLException {
    if (!connection.getAutoCommit()) {
      connection.commit();
    }
  }
}
