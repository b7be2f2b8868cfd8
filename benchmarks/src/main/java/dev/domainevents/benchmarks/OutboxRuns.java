package dev.domainevents.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.domainevents.DomainEvents;
import dev.domainevents.EventBatch;
import dev.domainevents.EventEnvelope;
import dev.domainevents.kafka.EnvelopeHeaders;
import dev.domainevents.kafka.KafkaInfra;
import dev.domainevents.outbox.JdbcOutbox;
import dev.domainevents.outbox.OutboxDialect;
import dev.domainevents.outbox.OutboxRelay;
import dev.domainevents.outbox.OutboxSchema;
import dev.domainevents.spi.DomainEventInfra;
import dev.domainevents.spi.EventCatalog;
import dev.domainevents.spi.EventDispatcher;
import dev.domainevents.spi.PayloadCodec;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.h2.jdbcx.JdbcDataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The transactional outbox's runs: what the outbox insert adds to a business transaction, how fast
 * one relay ships committed rows to Kafka, and the latency from commit to the Kafka handler.
 *
 * <p>The database is an in-memory H2 by default, so that {@code benchmarks/run} needs nothing but a
 * JDK; {@link #postgres(String)} uses the machine's PostgreSQL (127.0.0.1:5432, database {@code
 * test}, user {@code postgres}) in a schema of its own, dropped by {@link #close()}.
 *
 * <p>Every side borrows its connections from one pool, as deployments hand the relay a pooled
 * {@code DataSource}: the runs compare the work done per batch, not the cost of opening a
 * connection (a new PostgreSQL backend per {@code getConnection()} without a pool).
 */
final class OutboxRuns implements AutoCloseable {
  private static final int AGGREGATES = 100;

  /**
   * Two pipelining relays (two connections each while a backlog lasts) and the check for rows left
   * pending at most hold a connection at once.
   */
  private static final int POOL_SIZE = 6;

  private final String bootstrapServers;
  private final String databaseName;
  private final HikariDataSource dataSource;
  private final OutboxDialect dialect;
  private final Runnable drop;
  private final JdbcOutbox outbox = JdbcOutbox.create();
  private final Purchase[] purchases = new Purchase[AGGREGATES];
  private int groups;
  private double lastCoresBusy = Double.NaN;

  private OutboxRuns(
      String bootstrapServers,
      String databaseName,
      DataSource dataSource,
      OutboxDialect dialect,
      Runnable drop)
      throws SQLException {
    this.bootstrapServers = bootstrapServers;
    this.databaseName = databaseName;
    this.dataSource = pooled(dataSource);
    this.dialect = dialect;
    this.drop = drop;
    for (int i = 0; i < AGGREGATES; i++) {
      purchases[i] = Purchase.sample(i);
    }
    createTables();
  }

  /** Runs against a private in-memory H2 database. */
  static OutboxRuns h2(String bootstrapServers) throws SQLException {
    JdbcDataSource h2 = new JdbcDataSource();
    h2.setURL("jdbc:h2:mem:outbox-bench-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
    return new OutboxRuns(
        bootstrapServers, "H2 in-memory", h2, OutboxDialect.H2, () -> execute(h2, "SHUTDOWN"));
  }

  /** Runs against a private schema of the machine's PostgreSQL. */
  static OutboxRuns postgres(String bootstrapServers) throws SQLException {
    String schema = "outbox_bench_" + UUID.randomUUID().toString().replace("-", "");
    PGSimpleDataSource admin = new PGSimpleDataSource();
    admin.setURL("jdbc:postgresql://127.0.0.1:5432/test");
    admin.setUser("postgres");
    execute(admin, "CREATE SCHEMA " + schema);
    PGSimpleDataSource pg = new PGSimpleDataSource();
    // reWriteBatchedInserts: the outbox's batch insert becomes one multi-row insert.
    pg.setURL(
        "jdbc:postgresql://127.0.0.1:5432/test?currentSchema="
            + schema
            + "&reWriteBatchedInserts=true");
    pg.setUser("postgres");
    return new OutboxRuns(
        bootstrapServers,
        "PostgreSQL",
        pg,
        OutboxDialect.POSTGRESQL,
        () -> execute(admin, "DROP SCHEMA " + schema + " CASCADE"));
  }

  private static HikariDataSource pooled(DataSource database) {
    HikariConfig config = new HikariConfig();
    config.setDataSource(database);
    config.setPoolName("outbox-runs");
    config.setMaximumPoolSize(POOL_SIZE);
    config.setMinimumIdle(POOL_SIZE);
    return new HikariDataSource(config);
  }

  /** The database the runs use, for the table: "H2 in-memory" or "PostgreSQL". */
  String databaseName() {
    return databaseName;
  }

  /**
   * Commits {@code transactions} business transactions (one stock update each), first without and
   * then with the outbox insert of the event the entity raised; returns {without, with} in
   * microseconds per transaction. Both sides raise the event; only the insert differs.
   */
  double[] writePair(int transactions) throws SQLException {
    Basket[] baskets = baskets();
    double without = writeRun(baskets, transactions, false);
    double with = writeRun(baskets, transactions, true);
    clearOutbox();
    return new double[] {without, with};
  }

  private double writeRun(Basket[] baskets, int transactions, boolean withOutbox)
      throws SQLException {
    // One connection for the whole run, as a pool would hand out: the runs compare the work done
    // in the transaction, not the cost of opening connections.
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      long start = System.nanoTime();
      for (int i = 0; i < transactions; i++) {
        int aggregate = i % AGGREGATES;
        Basket basket = baskets[aggregate];
        takeOneFromStock(connection, aggregate);
        basket.checkout(purchases[aggregate]);
        if (withOutbox) {
          outbox.write(connection, basket);
        } else {
          EventBatch.of(null, basket).clear(); // the events go nowhere: only the business work
        }
        connection.commit();
        if (withOutbox) {
          outbox.committed();
        }
      }
      return (System.nanoTime() - start) / 1e3 / transactions;
    }
  }

  /**
   * Writes {@code events} checkouts into the outbox (ten per transaction), then ships them all to
   * Kafka with {@code relays} started relays, as an application runs them, and returns events per
   * second from the start to the moment no row is left pending. {@code pipelining} is the relays'
   * {@link OutboxRelay.Builder#pipelining} setting.
   */
  double relayThroughput(int events, int relays, boolean pipelining) throws Exception {
    fillOutbox(events);
    Properties settings = producerSettings();
    settings.setProperty("group.id", "outbox-relay-only");
    KafkaInfra kafka = KafkaInfra.builder().properties(settings).build();
    AtomicInteger acknowledged = new AtomicInteger();
    DomainEventInfra counted = new AcknowledgementCounter(kafka, acknowledged);
    try (DomainEvents.Installation installation = DomainEvents.install(kafka)) {
      List<OutboxRelay> started = new ArrayList<>();
      try {
        CpuMeter meter = CpuMeter.start();
        long start = System.nanoTime();
        for (int r = 0; r < relays; r++) {
          started.add(
              OutboxRelay.builder(dataSource, outbox)
                  .batchSize(500)
                  .infra(counted)
                  .pipelining(pipelining)
                  .name("relay-" + r)
                  .build()
                  .start());
        }
        long seen = 0;
        long progressAt = start;
        while (acknowledged.get() < events) {
          Thread.sleep(1);
          long now = System.nanoTime();
          if (acknowledged.get() > seen) {
            seen = acknowledged.get();
            progressAt = now;
          } else if (now - progressAt > TimeUnit.SECONDS.toNanos(30)) {
            throw new IllegalStateException(
                "the relays shipped " + seen + " of " + events + ", then nothing");
          }
        }
        // Acknowledged, and then marked sent in the batch's own transaction.
        while (pendingRows() > 0) {
          Thread.sleep(1);
        }
        double perSecond = events * 1e9 / (System.nanoTime() - start);
        lastCoresBusy = meter.coresBusy();
        return perSecond;
      } finally {
        // Before the installation closes: a relay polling without an installed infra fails.
        for (OutboxRelay relay : started) {
          relay.close();
        }
      }
    } finally {
      clearOutbox();
    }
  }

  /**
   * The machine's processors busy, on average, while the last relay throughput run was timed (see
   * {@link CpuMeter}): the database and the broker count, so the figure says how much of the
   * machine that side used.
   */
  double lastCoresBusy() {
    return lastCoresBusy;
  }

  private long pendingRows() throws SQLException {
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement();
        ResultSet count =
            statement.executeQuery("SELECT count(*) FROM domain_event_outbox WHERE status = 0")) {
      count.next();
      return count.getLong(1);
    }
  }

  /** Passes publishes to the installed infra and counts the events acknowledged. */
  private static final class AcknowledgementCounter implements DomainEventInfra {
    private final DomainEventInfra delegate;
    private final AtomicInteger acknowledged;

    AcknowledgementCounter(DomainEventInfra delegate, AtomicInteger acknowledged) {
      this.delegate = delegate;
      this.acknowledged = acknowledged;
    }

    @Override
    public void subscribe(EventDispatcher dispatcher) {
      delegate.subscribe(dispatcher);
    }

    @Override
    public void start(EventCatalog catalog) {
      delegate.start(catalog);
    }

    @Override
    public boolean shipsEncodedPayloads(PayloadCodec codec) {
      return delegate.shipsEncodedPayloads(codec);
    }

    @Override
    @SuppressWarnings("FutureReturnValueIgnored") // the relay waits for the future returned
    public CompletableFuture<Void> publish(List<EventEnvelope> events) {
      CompletableFuture<Void> published = delegate.publish(events);
      published.thenRun(() -> acknowledged.addAndGet(events.size()));
      return published;
    }

    @Override
    public void close() {
      // the installation closes the infra it installed
    }
  }

  /**
   * Ships {@code events} outbox rows with the loop a user writes by hand on one thread: claim 500
   * pending rows {@code FOR UPDATE SKIP LOCKED} in id order, send each row's stored JSON and
   * columns as a record with a bare {@code KafkaProducer}, {@code flush()}, mark the batch sent in
   * one {@code UPDATE ... WHERE id IN (...)}, commit. It keeps no per-aggregate order across loops;
   * with one loop, id order is aggregate order. Returns events per second.
   */
  @SuppressWarnings("FutureReturnValueIgnored") // publish outcomes are counted in the callbacks
  double handwrittenRelayThroughput(int events) throws Exception {
    fillOutbox(events);
    try (KafkaProducer<byte[], byte[]> producer =
            new KafkaProducer<>(
                producerSettings(), new ByteArraySerializer(), new ByteArraySerializer());
        Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      byte[] version = "1".getBytes(StandardCharsets.UTF_8);
      byte[] json = EnvelopeHeaders.JSON.getBytes(StandardCharsets.UTF_8);
      AtomicReference<Exception> failure = new AtomicReference<>();
      CpuMeter meter = CpuMeter.start();
      long start = System.nanoTime();
      int shipped = 0;
      while (shipped < events) {
        List<Long> ids = new ArrayList<>(500);
        if (dialect == OutboxDialect.POSTGRESQL) {
          // As the relay does: with 100,000 rows pending since the table was last analyzed, the
          // planner would otherwise read and sort every pending row with a bitmap scan per batch.
          try (Statement set = connection.createStatement()) {
            set.execute("SET LOCAL enable_bitmapscan = off");
          }
        }
        try (PreparedStatement claim =
                connection.prepareStatement(
                    "SELECT id, event_id, event_name, aggregate_type, aggregate_id, payload,"
                        + " occurred_at_ms, correlation_id FROM domain_event_outbox"
                        + " WHERE status = 0 ORDER BY id LIMIT 500 FOR UPDATE SKIP LOCKED");
            ResultSet rows = claim.executeQuery()) {
          while (rows.next()) {
            ids.add(rows.getLong(1));
            byte[] aggregateId = utf8(rows.getString(5));
            RecordHeaders headers = new RecordHeaders();
            headers.add(EnvelopeHeaders.EVENT_ID, utf8(rows.getString(2)));
            headers.add(EnvelopeHeaders.EVENT_NAME, utf8(rows.getString(3)));
            headers.add(EnvelopeHeaders.AGGREGATE_TYPE, utf8(rows.getString(4)));
            headers.add(EnvelopeHeaders.AGGREGATE_ID, aggregateId);
            headers.add(EnvelopeHeaders.OCCURRED_AT, utf8(Long.toString(rows.getLong(7))));
            headers.add(EnvelopeHeaders.CORRELATION_ID, utf8(rows.getString(8)));
            headers.add(EnvelopeHeaders.SCHEMA_VERSION, version);
            headers.add(EnvelopeHeaders.CONTENT_TYPE, json);
            producer.send(
                new ProducerRecord<>(
                    KafkaRuns.CHECKOUT_TOPIC, null, aggregateId, utf8(rows.getString(6)), headers),
                (metadata, error) -> {
                  if (error != null) {
                    failure.compareAndSet(null, error);
                  }
                });
          }
        }
        if (ids.isEmpty()) {
          throw new IllegalStateException("the hand-written relay found nothing after " + shipped);
        }
        producer.flush();
        if (failure.get() != null) {
          throw failure.get();
        }
        StringBuilder sql =
            new StringBuilder(
                "UPDATE domain_event_outbox SET status = 1, sent_at_ms = ? WHERE id IN (");
        for (int i = 0; i < ids.size(); i++) {
          sql.append(i == 0 ? "?" : ", ?");
        }
        try (PreparedStatement update = connection.prepareStatement(sql.append(')').toString())) {
          update.setLong(1, System.currentTimeMillis());
          for (int i = 0; i < ids.size(); i++) {
            update.setLong(i + 2, ids.get(i));
          }
          update.executeUpdate();
        }
        connection.commit();
        shipped += ids.size();
      }
      double perSecond = events * 1e9 / (System.nanoTime() - start);
      lastCoresBusy = meter.coresBusy();
      return perSecond;
    } finally {
      clearOutbox();
    }
  }

  private void fillOutbox(int events) throws SQLException {
    clearOutbox();
    Basket[] baskets = baskets();
    for (int written = 0; written < events; ) {
      int inThisTransaction = Math.min(10, events - written);
      int first = written;
      outbox.inTransaction(
          dataSource,
          connection -> {
            Basket basket = baskets[(first / 10) % AGGREGATES];
            for (int i = 0; i < inThisTransaction; i++) {
              basket.checkout(purchases[(first + i) % AGGREGATES]);
            }
            return outbox.write(connection, basket);
          });
      written += inThisTransaction;
    }
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Commits {@code events} pings through the outbox at {@code ratePerSecond}, each in its own
   * transaction, with a started relay shipping them to a Kafka handler; returns each latency in
   * nanoseconds from just before the commit to the handler, sorted.
   */
  long[] commitToHandlerLatency(int events, int ratePerSecond) throws Exception {
    clearOutbox();
    Properties settings = producerSettings();
    settings.setProperty("group.id", "outbox-latency-" + (++groups));
    settings.setProperty("auto.offset.reset", "latest");
    settings.setProperty("linger.ms", "0");
    LatencyHandler handler = new LatencyHandler(events);
    Basket[] baskets = baskets();
    try (DomainEvents.Installation installation =
            DomainEvents.install(KafkaInfra.builder().properties(settings).build(), handler);
        // A long poll interval: only the commit's wake-up makes the relay ship at once.
        OutboxRelay relay =
            OutboxRelay.builder(dataSource, outbox)
                .batchSize(500)
                .pollInterval(Duration.ofSeconds(1))
                .build()
                .start()) {
      warmUp(baskets[0], handler);
      long interval = 1_000_000_000L / ratePerSecond;
      long next = System.nanoTime();
      try (Connection connection = dataSource.getConnection()) {
        connection.setAutoCommit(false);
        for (int i = 0; i < events; i++) {
          LockSupport.parkNanos(next - System.nanoTime());
          next += interval;
          Basket basket = baskets[i % AGGREGATES];
          takeOneFromStock(connection, i % AGGREGATES);
          basket.ping(new Purchase(i, 1, Long.toString(System.nanoTime()), ""));
          outbox.write(connection, basket);
          connection.commit();
          outbox.committed(); // wakes the relay
        }
      }
      if (!handler.done.await(2, TimeUnit.MINUTES)) {
        throw new IllegalStateException("not every outbox ping arrived");
      }
    } finally {
      clearOutbox();
    }
    long[] sorted = handler.latencies.clone();
    Arrays.sort(sorted);
    return sorted;
  }

  /** Waits until the consumer has joined its group, so the first pings do not wait for it. */
  private void warmUp(Basket basket, LatencyHandler handler) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!handler.warmedUp) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the latency consumer never received a warm-up ping");
      }
      outbox.inTransaction(
          dataSource,
          connection -> {
            basket.ping(new Purchase(-1, 1, Long.toString(System.nanoTime()), "warm-up"));
            return outbox.write(connection, basket);
          });
      Thread.sleep(200);
    }
  }

  private Properties producerSettings() {
    Properties settings = new Properties();
    settings.setProperty("bootstrap.servers", bootstrapServers);
    settings.setProperty("acks", "all");
    settings.setProperty("enable.idempotence", "true");
    settings.setProperty("linger.ms", "5");
    settings.setProperty("batch.size", "65536");
    settings.setProperty("compression.type", "none");
    return settings;
  }

  private void createTables() throws SQLException {
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement()) {
      OutboxSchema.create(connection, dialect);
      statement.execute("CREATE TABLE bench_goods (id INT PRIMARY KEY, stock BIGINT NOT NULL)");
      try (PreparedStatement insert =
          connection.prepareStatement("INSERT INTO bench_goods (id, stock) VALUES (?, ?)")) {
        for (int i = 0; i < AGGREGATES; i++) {
          insert.setInt(1, i);
          insert.setLong(2, Long.MAX_VALUE / 2);
          insert.addBatch();
        }
        insert.executeBatch();
      }
    }
  }

  private static void takeOneFromStock(Connection connection, int goodsId) throws SQLException {
    try (PreparedStatement update =
        connection.prepareStatement("UPDATE bench_goods SET stock = stock - 1 WHERE id = ?")) {
      update.setInt(1, goodsId);
      if (update.executeUpdate() != 1) {
        throw new IllegalStateException("no goods " + goodsId);
      }
    }
  }

  private void clearOutbox() throws SQLException {
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement()) {
      statement.executeUpdate("DELETE FROM domain_event_outbox");
    }
  }

  private static Basket[] baskets() {
    Basket[] baskets = new Basket[AGGREGATES];
    for (int i = 0; i < AGGREGATES; i++) {
      baskets[i] = new Basket(Integer.toString(i));
    }
    return baskets;
  }

  /** Drops the database or schema. */
  @Override
  public void close() {
    dataSource.close();
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
}
