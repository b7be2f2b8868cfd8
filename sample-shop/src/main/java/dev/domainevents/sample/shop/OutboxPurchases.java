package dev.domainevents.sample.shop;

import dev.domainevents.EventEnvelope;
import dev.domainevents.outbox.JdbcOutbox;
import dev.domainevents.outbox.OutboxDialect;
import dev.domainevents.outbox.OutboxRelay;
import dev.domainevents.outbox.OutboxSchema;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The shop's outbox mode ({@code SHOP_OUTBOX}): a purchase updates the {@code goods} stock table
 * and writes the raised event to the outbox in one JDBC transaction, and an {@link OutboxRelay}
 * ships committed events to Kafka. A purchase that fails rolls back both. With a durable database
 * (not the default in-memory H2), a crash after the commit loses nothing either: the relay ships
 * whatever is committed and not yet sent when the shop starts again.
 */
final class OutboxPurchases implements AutoCloseable {
  private final DataSource dataSource;
  private final Runnable shutdown;
  private final JdbcOutbox outbox = JdbcOutbox.create(); // payloads as JSON
  private final OutboxRelay relay;

  private OutboxPurchases(DataSource dataSource, Runnable shutdown) {
    this.dataSource = dataSource;
    this.shutdown = shutdown;
    this.relay =
        OutboxRelay.builder(dataSource, outbox)
            .name("sample-shop-outbox-relay")
            .pollInterval(Duration.ofMillis(500))
            .publishTimeout(Duration.ofSeconds(150))
            .build();
  }

  /**
   * Opens the database named by {@code setting}: {@code h2} for a private in-memory H2 database, or
   * a JDBC URL of H2 or PostgreSQL (e.g. {@code jdbc:postgresql://localhost/shop?user=shop}), whose
   * driver must be on the class path. Creates the outbox tables and the {@code goods} table (each
   * goods starting with {@code initialStock}) if they are missing, and starts the relay. Install
   * the Kafka infra first.
   */
  static OutboxPurchases open(String setting, int firstGoods, int lastGoods, int initialStock)
      throws SQLException {
    String url =
        "h2".equalsIgnoreCase(setting.trim())
            ? "jdbc:h2:mem:sample-shop-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1"
            : setting.trim();
    OutboxDialect dialect;
    if (url.startsWith("jdbc:h2:")) {
      dialect = OutboxDialect.H2;
    } else if (url.startsWith("jdbc:postgresql:")) {
      dialect = OutboxDialect.POSTGRESQL;
    } else {
      // The value is not echoed: a JDBC URL may hold a password.
      throw new IllegalArgumentException(
          "SHOP_OUTBOX must be h2, or a JDBC URL starting with jdbc:h2: or jdbc:postgresql:");
    }
    DataSource dataSource = new UrlDataSource(url);
    Runnable shutdown = () -> {};
    if (url.startsWith("jdbc:h2:mem:")) {
      // DB_CLOSE_DELAY keeps it while the shop runs; drop it with the shop.
      shutdown = () -> execute(dataSource, "SHUTDOWN");
    }
    try (Connection connection = dataSource.getConnection()) {
      OutboxSchema.create(connection, dialect);
      createGoods(connection, firstGoods, lastGoods, initialStock);
    }
    OutboxPurchases purchases = new OutboxPurchases(dataSource, shutdown);
    purchases.relay.start();
    return purchases;
  }

  /**
   * Buys {@code amount} of {@code goodsId}: locks its row, lets the {@link Goods} aggregate check
   * and raise {@code Goods:Shopping}, stores the new stock and the event, and commits. Returns the
   * event; the relay ships it once committed.
   *
   * @throws UnknownGoodsException if there is no such row
   * @throws OutOfStockException if fewer are left; nothing is written
   */
  EventEnvelope buy(int goodsId, int amount) {
    try {
      return outbox.inTransaction(
          dataSource,
          connection -> {
            Goods goods = new Goods(goodsId, lockStock(connection, goodsId));
            goods.shopping(amount);
            List<EventEnvelope> raised = goods.pendingEvents();
            EventEnvelope event = raised.get(raised.size() - 1);
            try (PreparedStatement update =
                connection.prepareStatement("UPDATE goods SET stock = ? WHERE id = ?")) {
              update.setInt(1, goods.stock());
              update.setInt(2, goodsId);
              update.executeUpdate();
            }
            outbox.write(connection, goods);
            return event;
          });
    } catch (SQLException e) {
      throw new IllegalStateException("the purchase was rolled back: " + e.getMessage(), e);
    }
  }

  /** The shop's stock of {@code goodsId} in the database, or -1 for unknown goods. */
  int stock(int goodsId) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement select =
            connection.prepareStatement("SELECT stock FROM goods WHERE id = ?")) {
      select.setInt(1, goodsId);
      try (ResultSet result = select.executeQuery()) {
        return result.next() ? result.getInt(1) : -1;
      }
    }
  }

  /** How many outbox rows are still waiting for the relay. */
  long unsent() throws SQLException {
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement();
        ResultSet result =
            statement.executeQuery(
                "SELECT COUNT(*) FROM domain_event_outbox WHERE sent_at_ms IS NULL")) {
      result.next();
      return result.getLong(1);
    }
  }

  /** Stops the relay (rows it did not ship stay in the outbox), then drops an in-memory H2. */
  @Override
  public void close() {
    relay.close();
    shutdown.run();
  }

  private static int lockStock(Connection connection, int goodsId) throws SQLException {
    try (PreparedStatement select =
        connection.prepareStatement("SELECT stock FROM goods WHERE id = ? FOR UPDATE")) {
      select.setInt(1, goodsId);
      try (ResultSet result = select.executeQuery()) {
        if (!result.next()) {
          throw new UnknownGoodsException(goodsId);
        }
        return result.getInt(1);
      }
    }
  }

  private static void createGoods(
      Connection connection, int firstGoods, int lastGoods, int initialStock) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute(
          "CREATE TABLE IF NOT EXISTS goods (id INT PRIMARY KEY, stock INT NOT NULL)");
    }
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO goods (id, stock) SELECT ?, ? WHERE NOT EXISTS"
                + " (SELECT 1 FROM goods WHERE id = ?)")) {
      for (int id = firstGoods; id <= lastGoods; id++) {
        insert.setInt(1, id);
        insert.setInt(2, initialStock);
        insert.setInt(3, id);
        insert.executeUpdate();
      }
    }
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
   * Connections straight from the driver, one per transaction. A real service would use a pool
   * (e.g. HikariCP); the sample keeps its dependencies to the JDK and the driver.
   */
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
    public Connection getConnection(String user, String password) throws SQLException {
      return DriverManager.getConnection(url, user, password);
    }

    @Override
    public PrintWriter getLogWriter() {
      return DriverManager.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) {
      DriverManager.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) {
      DriverManager.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() {
      return DriverManager.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
      throw new SQLFeatureNotSupportedException("no parent logger");
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
      if (type.isInstance(this)) {
        return type.cast(this);
      }
      throw new SQLException("not a wrapper of " + type.getName());
    }

    @Override
    public boolean isWrapperFor(Class<?> type) {
      return type.isInstance(this);
    }
  }
}
