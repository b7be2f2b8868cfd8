package dev.domainevents.sample.shop;

import dev.domainevents.EventEnvelope;
import dev.domainevents.eventstore.EventSourcedRepository;
import dev.domainevents.eventstore.EventStoreDialect;
import dev.domainevents.eventstore.EventStoreSchema;
import dev.domainevents.eventstore.JdbcEventStore;
import dev.domainevents.eventstore.Projection;
import dev.domainevents.eventstore.Retry;
import dev.domainevents.outbox.JdbcOutbox;
import dev.domainevents.outbox.OutboxDialect;
import dev.domainevents.outbox.OutboxRelay;
import dev.domainevents.outbox.OutboxSchema;
import dev.domainevents.spi.EventCatalog;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shop's event-sourced mode ({@code SHOP_STORE=eventsourced}): the {@link Goods} aggregate is
 * stored as its events in a {@link JdbcEventStore}, loaded by replaying them onto the initial stock
 * and saved by appending the new ones at the version it was loaded at. The store side reads the
 * {@link StockView} read model, kept by a {@link Projection} of the global log, which is rebuilt
 * from the whole log each time the shop starts. Appends also write the events to the outbox in the
 * same transaction, and a relay ships them to Kafka, as in the outbox mode.
 */
final class EventSourcedGoods implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EventSourcedGoods.class);

  /** Purchases of one goods that race each other: each loser loads again and retries. */
  private static final int MAX_ATTEMPTS = 20;

  private final DataSource dataSource;
  private final Runnable shutdown;
  private final int firstGoods;
  private final int lastGoods;
  private final int initialStock;
  private final JdbcOutbox outbox = JdbcOutbox.create();
  private final EventSourcedRepository<Goods> goods;
  private final Projection projection;
  private final OutboxRelay relay;
  private final ScheduledExecutorService catchUp =
      Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "sample-shop-stock-view"));

  private EventSourcedGoods(
      DataSource dataSource,
      Runnable shutdown,
      EventStoreDialect dialect,
      int firstGoods,
      int lastGoods,
      int initialStock,
      StockView view) {
    this.dataSource = dataSource;
    this.shutdown = shutdown;
    this.firstGoods = firstGoods;
    this.lastGoods = lastGoods;
    JdbcEventStore store =
        JdbcEventStore.create(dataSource, dialect, EventCatalog.load())
            .withOutbox(outbox::writeEnvelopes);
    this.initialStock = initialStock;
    this.goods = EventSourcedRepository.create(store, Goods.class, this::newGoods);
    this.projection = Projection.create(store, "store-stock", view);
    this.relay =
        OutboxRelay.builder(dataSource, outbox)
            .name("sample-shop-outbox-relay")
            .pollInterval(Duration.ofMillis(500))
            .publishTimeout(Duration.ofSeconds(150))
            .build();
  }

  /**
   * Opens the database named by {@code setting}: {@code h2} for a private in-memory H2 database, or
   * a JDBC URL of H2 (e.g. {@code jdbc:h2:file:./shop-events}) or PostgreSQL, whose driver must be
   * on the class path. Creates the event store's, the outbox's and the read model's tables if they
   * are missing, rebuilds the read model from the events, and starts the relay. Install the infra
   * first.
   */
  static EventSourcedGoods open(String setting, int firstGoods, int lastGoods, int initialStock)
      throws SQLException {
    String url =
        "h2".equalsIgnoreCase(setting.trim())
            ? "jdbc:h2:mem:sample-shop-events-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1"
            : setting.trim();
    EventStoreDialect dialect;
    OutboxDialect outboxDialect;
    if (url.startsWith("jdbc:h2:")) {
      dialect = EventStoreDialect.H2;
      outboxDialect = OutboxDialect.H2;
    } else if (url.startsWith("jdbc:postgresql:")) {
      dialect = EventStoreDialect.POSTGRESQL;
      outboxDialect = OutboxDialect.POSTGRESQL;
    } else {
      // The value is not echoed: a JDBC URL may hold a password.
      throw new IllegalArgumentException(
          "SHOP_STORE_URL must be h2, or a JDBC URL starting with jdbc:h2: or jdbc:postgresql:");
    }
    DataSource dataSource = new OutboxPurchases.UrlDataSource(url);
    // An in-memory H2 lives while the shop runs (DB_CLOSE_DELAY) and is dropped with it; a file
    // H2 is closed, so that the next start can open it.
    Runnable shutdown = url.startsWith("jdbc:h2:") ? () -> shutdown(dataSource) : () -> {};
    try (Connection connection = dataSource.getConnection()) {
      EventStoreSchema.create(connection, dialect);
      OutboxSchema.create(connection, outboxDialect);
      StockView.createTable(connection);
    }
    StockView view = new StockView(firstGoods, lastGoods, initialStock);
    EventSourcedGoods shop =
        new EventSourcedGoods(
            dataSource, shutdown, dialect, firstGoods, lastGoods, initialStock, view);
    try {
      shop.projection.rebuild(view::reset);
      long replayed = shop.projection.catchUp();
      log.info("store_stock rebuilt from {} stored events", replayed);
    } catch (Exception e) {
      shutdown.run();
      throw new IllegalStateException("could not rebuild the stock view: " + e.getMessage(), e);
    }
    shop.relay.start();
    // Events appended by other shops on the same database reach the view within a second.
    // catchUpQuietly logs its failures itself, so the future has nothing more to say.
    var unused = shop.catchUp.scheduleWithFixedDelay(shop::catchUpQuietly, 1, 1, TimeUnit.SECONDS);
    return shop;
  }

  /**
   * Buys {@code amount} of {@code goodsId}: loads the goods from their events, lets them check and
   * raise {@code Goods:Shopping}, and appends it at the version they were loaded at, retrying when
   * another purchase of the same goods came first. The read model has the purchase on return.
   *
   * @throws UnknownGoodsException if there are no such goods
   * @throws OutOfStockException if fewer are left; nothing is written
   */
  EventEnvelope buy(int goodsId, int amount) {
    if (goodsId < firstGoods || goodsId > lastGoods) {
      throw new UnknownGoodsException(goodsId);
    }
    String id = Integer.toString(goodsId);
    EventEnvelope event;
    try {
      event =
          Retry.onConflict(
              MAX_ATTEMPTS,
              () ->
                  outbox.inTransaction(
                      dataSource,
                      connection -> {
                        Goods item = goods.load(connection, id).orElseGet(() -> newGoods(id));
                        item.shopping(amount);
                        List<EventEnvelope> raised = item.pendingEvents();
                        EventEnvelope last = raised.get(raised.size() - 1);
                        goods.save(connection, item);
                        return last;
                      }));
    } catch (SQLException e) {
      throw new IllegalStateException("the purchase was rolled back: " + e.getMessage(), e);
    }
    catchUpQuietly(); // read your own purchase at GET /store
    return event;
  }

  /** Goods before their first event: the initial stock. */
  private Goods newGoods(String id) {
    return new Goods(Integer.parseInt(id), initialStock);
  }

  /** The stock of {@code goodsId} in the read model, or empty for unknown goods. */
  OptionalInt stock(int goodsId) {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement select =
            connection.prepareStatement("SELECT stock FROM store_stock WHERE goods_id = ?")) {
      select.setInt(1, goodsId);
      try (ResultSet result = select.executeQuery()) {
        return result.next() ? OptionalInt.of(result.getInt(1)) : OptionalInt.empty();
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read the stock view: " + e.getMessage(), e);
    }
  }

  private void catchUpQuietly() {
    try {
      projection.catchUp();
    } catch (Exception e) {
      // The batch rolled back and stays unread: the next run reads it again.
      log.warn("the stock view could not catch up; retrying in a second", e);
    }
  }

  /** Stops the view's catch-up and the relay (unshipped rows stay), then closes an H2 database. */
  @Override
  public void close() {
    catchUp.shutdown();
    try {
      catchUp.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    relay.close();
    shutdown.run();
  }

  private static void shutdown(DataSource dataSource) {
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute("SHUTDOWN");
    } catch (SQLException e) {
      log.warn("could not shut the H2 database down: {}", e.getMessage());
    }
  }
}
