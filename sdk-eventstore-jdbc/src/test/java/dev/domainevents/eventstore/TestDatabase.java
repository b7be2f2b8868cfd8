package dev.domainevents.eventstore;

import dev.domainevents.outbox.OutboxDialect;
import dev.domainevents.outbox.OutboxSchema;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.mariadb.jdbc.MariaDbDataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A real database holding the store's (and the outbox's) tables for one test class, in a private
 * schema or database dropped afterwards.
 */
final class TestDatabase implements AutoCloseable {
  private final DataSource dataSource;
  private final EventStoreDialect dialect;
  private final Runnable drop;

  private TestDatabase(DataSource dataSource, EventStoreDialect dialect, Runnable drop) {
    this.dataSource = dataSource;
    this.dialect = dialect;
    this.drop = drop;
  }

  /** A private in-memory H2 database. */
  static TestDatabase h2() throws SQLException {
    JdbcDataSource h2 = new JdbcDataSource();
    // Lock waits as long as the other databases wait by default, not H2's one second.
    h2.setURL("jdbc:h2:mem:store-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000");
    TestDatabase database =
        new TestDatabase(h2, EventStoreDialect.H2, () -> execute(h2, "SHUTDOWN"));
    database.createSchema(OutboxDialect.H2);
    return database;
  }

  /**
   * A private schema in the machine's PostgreSQL (127.0.0.1:5432, database test, user postgres).
   * Fails, never skips, when the server is unreachable: these tests run only with -Pservices.
   */
  static TestDatabase postgres() throws SQLException {
    String schema = "store_test_" + UUID.randomUUID().toString().replace("-", "");
    PGSimpleDataSource admin = new PGSimpleDataSource();
    admin.setURL("jdbc:postgresql://127.0.0.1:5432/test");
    admin.setUser("postgres");
    execute(admin, "CREATE SCHEMA " + schema);
    PGSimpleDataSource pg = new PGSimpleDataSource();
    pg.setURL("jdbc:postgresql://127.0.0.1:5432/test?currentSchema=" + schema);
    pg.setUser("postgres");
    TestDatabase database =
        new TestDatabase(
            pg,
            EventStoreDialect.POSTGRESQL,
            () -> execute(admin, "DROP SCHEMA " + schema + " CASCADE"));
    database.createSchema(OutboxDialect.POSTGRESQL);
    return database;
  }

  /**
   * A private database in the machine's MariaDB (127.0.0.1:3306, user root, no password). Fails,
   * never skips, when the server is unreachable: these tests run only with -Pservices.
   */
  static TestDatabase mariadb() throws SQLException {
    String name = "store_test_" + UUID.randomUUID().toString().replace("-", "");
    MariaDbDataSource admin = new MariaDbDataSource("jdbc:mariadb://127.0.0.1:3306/test");
    admin.setUser("root");
    execute(admin, "CREATE DATABASE " + name + " CHARACTER SET utf8mb4");
    MariaDbDataSource maria = new MariaDbDataSource("jdbc:mariadb://127.0.0.1:3306/" + name);
    maria.setUser("root");
    TestDatabase database =
        new TestDatabase(
            maria, EventStoreDialect.MARIADB, () -> execute(admin, "DROP DATABASE " + name));
    database.createSchema(OutboxDialect.MARIADB);
    return database;
  }

  private void createSchema(OutboxDialect outboxDialect) throws SQLException {
    try (Connection connection = dataSource.getConnection()) {
      EventStoreSchema.create(connection, dialect);
      // Twice: creating must be idempotent.
      EventStoreSchema.create(connection, dialect);
      OutboxSchema.create(connection, outboxDialect);
    }
  }

  DataSource dataSource() {
    return dataSource;
  }

  EventStoreDialect dialect() {
    return dialect;
  }

  /** Deletes every event, snapshot, projection position and outbox row. */
  void clear() throws SQLException {
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement()) {
      statement.executeUpdate("DELETE FROM domain_event_store");
      statement.executeUpdate("DELETE FROM domain_event_snapshot");
      statement.executeUpdate("DELETE FROM domain_event_projection");
      statement.executeUpdate("DELETE FROM domain_event_outbox");
      statement.executeUpdate("UPDATE domain_event_store_sequence SET last_position = 0");
    }
  }

  long count(String sql) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery(sql)) {
      result.next();
      return result.getLong(1);
    }
  }

  /** The first row of {@code sql}, its columns joined by spaces. */
  String text(String sql) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery(sql)) {
      result.next();
      StringBuilder row = new StringBuilder();
      for (int i = 1; i <= result.getMetaData().getColumnCount(); i++) {
        row.append(i > 1 ? " " : "").append(result.getString(i));
      }
      return row.toString();
    }
  }

  @Override
  public void close() {
    drop.run();
  }

  static void execute(DataSource dataSource, String sql) {
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot run " + sql + ": " + e.getMessage(), e);
    }
  }

  /** Creates a database before a test class and drops it after: a static extension field. */
  static final class PerClass implements BeforeAllCallback, AfterAllCallback {
    /** Makes the database, e.g. {@code TestDatabase::h2}. */
    interface Factory {
      TestDatabase create() throws SQLException;
    }

    private final Factory factory;
    private TestDatabase database;

    PerClass(Factory factory) {
      this.factory = factory;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws SQLException {
      database = factory.create();
    }

    @Override
    public void afterAll(ExtensionContext context) {
      if (database != null) {
        database.close();
      }
    }

    TestDatabase get() {
      return database;
    }
  }
}
