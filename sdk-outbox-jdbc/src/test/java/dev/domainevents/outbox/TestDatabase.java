package dev.domainevents.outbox;

import java.sql.Connection;
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

/** A real database holding the outbox tables for one test class, dropped afterwards. */
final class TestDatabase implements AutoCloseable {
  /** Every table of the schema, children first, so that deleting in this order works. */
  static final String[] TABLES = {
    "domain_event_held",
    "domain_event_transaction",
    "domain_event_bus_retry",
    "domain_event_bus_service",
    "domain_event_outbox",
  };

  private final DataSource dataSource;
  private final OutboxDialect dialect;
  private final Runnable drop;

  private TestDatabase(DataSource dataSource, OutboxDialect dialect, Runnable drop) {
    this.dataSource = dataSource;
    this.dialect = dialect;
    this.drop = drop;
  }

  /** A private in-memory H2 database. */
  static TestDatabase h2() throws SQLException {
    JdbcDataSource h2 = new JdbcDataSource();
    h2.setURL("jdbc:h2:mem:outbox-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
    TestDatabase database = new TestDatabase(h2, OutboxDialect.H2, () -> execute(h2, "SHUTDOWN"));
    database.createSchema();
    return database;
  }

  /**
   * A private schema in the machine's PostgreSQL (127.0.0.1:5432, database test, user postgres).
   * Fails, never skips, when the server is unreachable: these tests run only with -Pservices.
   */
  static TestDatabase postgres() throws SQLException {
    String host = System.getProperty("outbox.postgres.host", "127.0.0.1");
    String schema = "outbox_test_" + UUID.randomUUID().toString().replace("-", "");
    PGSimpleDataSource admin = new PGSimpleDataSource();
    admin.setURL("jdbc:postgresql://" + host + ":5432/test");
    admin.setUser("postgres");
    execute(admin, "CREATE SCHEMA " + schema);
    PGSimpleDataSource pg = new PGSimpleDataSource();
    pg.setURL(
        "jdbc:postgresql://"
            + host
            + ":5432/test?currentSchema="
            + schema
            + "&reWriteBatchedInserts=true");
    pg.setUser("postgres");
    TestDatabase database =
        new TestDatabase(
            pg,
            OutboxDialect.POSTGRESQL,
            () -> execute(admin, "DROP SCHEMA " + schema + " CASCADE"));
    database.createSchema();
    return database;
  }

  /**
   * A private database in the machine's MariaDB (127.0.0.1:3306, user root, no password), dropped
   * afterwards. Fails, never skips, when the server is unreachable: these tests run only with
   * -Pservices.
   */
  static TestDatabase mariadb() throws SQLException {
    String host = System.getProperty("outbox.mariadb.host", "127.0.0.1");
    String name = "outbox_test_" + UUID.randomUUID().toString().replace("-", "");
    MariaDbDataSource admin = new MariaDbDataSource("jdbc:mariadb://" + host + ":3306/test");
    admin.setUser("root");
    execute(admin, "CREATE DATABASE " + name + " CHARACTER SET utf8mb4");
    MariaDbDataSource maria = new MariaDbDataSource("jdbc:mariadb://" + host + ":3306/" + name);
    maria.setUser("root");
    TestDatabase database =
        new TestDatabase(
            maria, OutboxDialect.MARIADB, () -> execute(admin, "DROP DATABASE " + name));
    database.createSchema();
    return database;
  }

  private void createSchema() throws SQLException {
    try (Connection connection = dataSource.getConnection()) {
      OutboxSchema.create(connection, dialect);
      // Twice: creating must be idempotent.
      OutboxSchema.create(connection, dialect);
    }
  }

  DataSource dataSource() {
    return dataSource;
  }

  OutboxDialect dialect() {
    return dialect;
  }

  /** Deletes every row, so that each test starts from an empty outbox. */
  void clear() throws SQLException {
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement()) {
      for (String table : TABLES) {
        statement.executeUpdate("DELETE FROM " + table);
      }
      statement.executeUpdate("UPDATE domain_event_bus_sequence SET last_seq = 0");
    }
  }

  long count(String where) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement();
        var result =
            statement.executeQuery("SELECT COUNT(*) FROM domain_event_outbox WHERE " + where)) {
      result.next();
      return result.getLong(1);
    }
  }

  @Override
  public void close() {
    drop.run();
  }

  private static void execute(DataSource dataSource, String sql) {
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot run " + sql + ": " + e.getMessage(), e);
    }
  }

  /**
   * Creates a database before a test class's tests and drops it after them: register it as a static
   * {@code @RegisterExtension} field.
   */
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
