package dev.domainevents.dedupe.jdbc;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.UUID;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcConnectionPool;
import org.h2.tools.Server;
import org.mariadb.jdbc.MariaDbPoolDataSource;

/**
 * A private database for one test class: an H2 file database served over TCP by this JVM (so a
 * child JVM can share it and be killed without harming it), a private PostgreSQL schema, or a
 * private MariaDB database. Dropped on close.
 */
final class TestDatabase implements AutoCloseable {
  private static final String POSTGRES = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";
  private static final String MARIADB = "jdbc:mariadb://127.0.0.1:3306/";

  final JdbcDedupeStore.Dialect dialect;

  /** A JDBC URL that works from any process on this machine. */
  final String url;

  private final Server h2Server;
  private final String drop;

  private TestDatabase(JdbcDedupeStore.Dialect dialect, String url, Server h2Server, String drop) {
    this.dialect = dialect;
    this.url = url;
    this.h2Server = h2Server;
    this.drop = drop;
  }

  static TestDatabase h2(Path directory) throws SQLException {
    Server server =
        Server.createTcpServer(
                "-tcpPort",
                Integer.toString(freePort()),
                "-ifNotExists",
                "-baseDir",
                directory.toString())
            .start();
    String url = "jdbc:h2:tcp://127.0.0.1:" + server.getPort() + "/dedupe";
    return new TestDatabase(JdbcDedupeStore.Dialect.H2, url, server, null);
  }

  static TestDatabase postgres() throws SQLException {
    String schema = privateName();
    try (Connection admin = DriverManager.getConnection(POSTGRES);
        Statement statement = admin.createStatement()) {
      statement.execute("CREATE SCHEMA " + schema);
    }
    return new TestDatabase(
        JdbcDedupeStore.Dialect.POSTGRESQL,
        POSTGRES + "&currentSchema=" + schema,
        null,
        "DROP SCHEMA " + schema + " CASCADE");
  }

  static TestDatabase mariadb() throws SQLException {
    String database = privateName();
    try (Connection admin = DriverManager.getConnection(MARIADB + "test?user=root");
        Statement statement = admin.createStatement()) {
      statement.execute("CREATE DATABASE " + database);
    }
    return new TestDatabase(
        JdbcDedupeStore.Dialect.MARIADB,
        MARIADB + database + "?user=root",
        null,
        "DROP DATABASE " + database);
  }

  private static String privateName() {
    return "dedupe_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  DataSource dataSource() {
    return new UrlDataSource(url);
  }

  /**
   * A pooled {@link DataSource} for {@code url}, from the driver's own pool where it has one: a
   * connection per event costs more than the event's transaction, over H2's TCP server most.
   */
  static DataSource pooled(String url) throws SQLException {
    if (url.startsWith("jdbc:h2:")) {
      return JdbcConnectionPool.create(url, "", "");
    }
    if (url.startsWith("jdbc:mariadb:")) {
      return new MariaDbPoolDataSource(url);
    }
    return new UrlDataSource(url);
  }

  Connection connect() throws SQLException {
    return DriverManager.getConnection(url);
  }

  void execute(String... sql) throws SQLException {
    try (Connection connection = connect();
        Statement statement = connection.createStatement()) {
      for (String each : sql) {
        statement.execute(each);
      }
    }
  }

  long count(String sql) throws SQLException {
    try (Connection connection = connect();
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(sql)) {
      rows.next();
      return rows.getLong(1);
    }
  }

  @Override
  public void close() throws SQLException {
    if (h2Server != null) {
      h2Server.stop();
      return;
    }
    String admin =
        dialect == JdbcDedupeStore.Dialect.POSTGRESQL ? POSTGRES : MARIADB + "test?user=root";
    try (Connection connection = DriverManager.getConnection(admin);
        Statement statement = connection.createStatement()) {
      statement.execute(drop);
    }
  }

  /** A {@link DataSource} over {@link DriverManager}, the same in this JVM and the child. */
  static final class UrlDataSource implements DataSource {
    private final String url;

    UrlDataSource(String url) {
      this.url = url;
    }

    @Override
    public Connection getConnection() throws SQLException {
      return DriverManager.getConnection(url);
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
      return DriverManager.getConnection(url, username, password);
    }

    @Override
    public PrintWriter getLogWriter() {
      return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {}

    @Override
    public void setLoginTimeout(int seconds) {}

    @Override
    public int getLoginTimeout() {
      return 0;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
      throw new SQLFeatureNotSupportedException();
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
      throw new SQLException("not a wrapper");
    }

    @Override
    public boolean isWrapperFor(Class<?> type) {
      return false;
    }
  }
}
