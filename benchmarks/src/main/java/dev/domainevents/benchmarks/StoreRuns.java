package dev.domainevents.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.domainevents.EventEnvelope;
import dev.domainevents.eventstore.EventSourcedRepository;
import dev.domainevents.eventstore.EventStoreDialect;
import dev.domainevents.eventstore.EventStoreSchema;
import dev.domainevents.eventstore.JdbcEventStore;
import dev.domainevents.eventstore.Snapshots;
import dev.domainevents.eventstore.StreamId;
import dev.domainevents.spi.Envelopes;
import dev.domainevents.spi.EventCatalog;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The event store's runs, each against a hand-written JDBC peer on the same table:
 *
 * <ul>
 *   <li>append throughput: {@link JdbcEventStore#append} at an expected version, 1 or 10 events per
 *       transaction, from 1 or 16 writers (each on streams of its own), against one prepared batch
 *       insert of the same rows, JSON-encoded with a prebuilt Jackson writer, and a commit;
 *   <li>loading an aggregate of 1,000 events with {@link EventSourcedRepository#load}, with and
 *       without a snapshot, against a {@code SELECT} of the stream's payloads and a loop that
 *       decodes each with a prebuilt Jackson reader and calls the apply method directly.
 * </ul>
 *
 * <p>The database is an in-memory H2 by default; {@link #postgres()} uses the machine's PostgreSQL
 * (127.0.0.1:5432, database {@code test}, user {@code postgres}) in a schema of its own, dropped by
 * {@link #close()}. Every run starts from an empty table.
 */
final class StoreRuns implements AutoCloseable {
  /** The events of the loaded aggregate. */
  static final int LOADED_EVENTS = 1_000;

  private static final String PEER_INSERT =
      "INSERT INTO domain_event_store (aggregate_type, aggregate_id, stream_version, event_id,"
          + " event_name, payload, headers, occurred_at_ms, correlation_id, causation_id,"
          + " schema_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
  private static final String PEER_SELECT =
      "SELECT payload FROM domain_event_store WHERE aggregate_type = ? AND aggregate_id = ?"
          + " ORDER BY stream_version";

  private final String databaseName;
  private final DataSource dataSource;
  private final Runnable drop;
  private final JdbcEventStore store;
  private final EventSourcedRepository<Ledger> ledgers;
  private final EventSourcedRepository<Ledger> snapshotted;
  private final ObjectWriter payloadWriter = new ObjectMapper().writerFor(Purchase.class);
  private final ObjectReader payloadReader = new ObjectMapper().readerFor(Purchase.class);
  private final Purchase[] purchases = new Purchase[100];
  private int runs;

  private StoreRuns(
      String databaseName, DataSource dataSource, EventStoreDialect dialect, Runnable drop)
      throws SQLException {
    this.databaseName = databaseName;
    this.dataSource = dataSource;
    this.drop = drop;
    this.store = JdbcEventStore.create(dataSource, dialect, EventCatalog.load());
    this.ledgers = EventSourcedRepository.create(store, Ledger.class, Ledger::new);
    this.snapshotted = ledgers.withSnapshots(LOADED_EVENTS, new LedgerSnapshots());
    for (int i = 0; i < purchases.length; i++) {
      purchases[i] = Purchase.sample(i);
    }
    try (Connection connection = dataSource.getConnection()) {
      EventStoreSchema.create(connection, dialect);
    }
  }

  /** Runs against a private in-memory H2 database. */
  static StoreRuns h2() throws SQLException {
    JdbcDataSource h2 = new JdbcDataSource();
    h2.setURL("jdbc:h2:mem:store-bench-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
    return new StoreRuns("H2 in-memory", h2, EventStoreDialect.H2, () -> execute(h2, "SHUTDOWN"));
  }

  /** Runs against a private schema of the machine's PostgreSQL. */
  static StoreRuns postgres() throws SQLException {
    String schema = "store_bench_" + UUID.randomUUID().toString().replace("-", "");
    PGSimpleDataSource admin = new PGSimpleDataSource();
    admin.setURL("jdbc:postgresql://127.0.0.1:5432/test");
    admin.setUser("postgres");
    execute(admin, "CREATE SCHEMA " + schema);
    PGSimpleDataSource pg = new PGSimpleDataSource();
    // reWriteBatchedInserts: the peer's batch insert becomes one multi-row insert, as a careful
    // user configures it; the store writes one multi-row insert of its own either way.
    pg.setURL(
        "jdbc:postgresql://127.0.0.1:5432/test?currentSchema="
            + schema
            + "&reWriteBatchedInserts=true");
    pg.setUser("postgres");
    return new StoreRuns(
        "PostgreSQL",
        pg,
        EventStoreDialect.POSTGRESQL,
        () -> execute(admin, "DROP SCHEMA " + schema + " CASCADE"));
  }

  /** The database the runs use, for the table: "H2 in-memory" or "PostgreSQL". */
  String databaseName() {
    return databaseName;
  }

  /**
   * Appends for {@code millis} from {@code writers} threads, {@code perTransaction} events per
   * transaction, through the store ({@code sdk}) or the hand-written batch insert; returns events
   * committed per second.
   */
  double append(boolean sdk, int writers, int perTransaction, long millis) throws Exception {
    clear();
    int run = ++runs;
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    List<Callable<Long>> loops = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      String stream = "r" + run + "-w" + w;
      loops.add(
          () -> {
            try (Connection connection = dataSource.getConnection()) {
              connection.setAutoCommit(false);
              long version = 0;
              while (System.nanoTime() < deadline) {
                version =
                    sdk
                        ? sdkAppend(connection, stream, version, perTransaction)
                        : peerAppend(connection, stream, version, perTransaction);
                connection.commit();
              }
              return version;
            }
          });
    }
    ExecutorService threads = Executors.newFixedThreadPool(writers);
    try {
      long start = System.nanoTime();
      long events = 0;
      for (Future<Long> loop : threads.invokeAll(loops)) {
        events += loop.get();
      }
      return events * 1e9 / (System.nanoTime() - start);
    } finally {
      threads.shutdownNow();
    }
  }

  private long sdkAppend(Connection connection, String stream, long version, int count)
      throws SQLException {
    List<EventEnvelope> events = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      events.add(
          Envelopes.event(
              LedgerEvents.PURCHASE,
              stream,
              purchases[(int) ((version + i) % purchases.length)],
              Map.of()));
    }
    return store.append(connection, new StreamId("Ledger", stream), version, events);
  }

  private long peerAppend(Connection connection, String stream, long version, int count)
      throws Exception {
    long now = System.currentTimeMillis();
    try (PreparedStatement insert = connection.prepareStatement(PEER_INSERT)) {
      for (int i = 0; i < count; i++) {
        String eventId = UUID.randomUUID().toString();
        insert.setString(1, "Ledger");
        insert.setString(2, stream);
        insert.setLong(3, version + i + 1);
        insert.setString(4, eventId);
        insert.setString(5, "Ledger:Purchase");
        insert.setString(
            6,
            payloadWriter.writeValueAsString(purchases[(int) ((version + i) % purchases.length)]));
        insert.setString(7, "{}");
        insert.setLong(8, now);
        insert.setString(9, eventId);
        insert.setString(10, null);
        insert.setInt(11, 1);
        insert.addBatch();
      }
      insert.executeBatch();
    }
    return version + count;
  }

  /**
   * Writes one ledger of {@link #LOADED_EVENTS} events and its snapshot, for the load runs; returns
   * its id.
   */
  String writeLoadedLedger() throws Exception {
    clear();
    String id = "loaded-" + ++runs;
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      Ledger ledger = new Ledger(id);
      for (int i = 0; i < LOADED_EVENTS; i++) {
        ledger.purchase(purchases[i % purchases.length]);
        if (ledger.pendingEvents().size() == 100) {
          // 100 events per append; the snapshot is written at version 1,000, the last.
          snapshotted.save(connection, ledger);
        }
      }
      connection.commit();
    }
    return id;
  }

  /**
   * Loads ledger {@code id} for {@code millis}: {@code side} 0 through the repository, 1 through
   * the repository with snapshots, 2 by hand; returns loads per second.
   */
  double load(String id, int side, long millis) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      long loads = 0;
      long start = System.nanoTime();
      while (System.nanoTime() < deadline) {
        Ledger ledger =
            switch (side) {
              case 0 -> ledgers.load(connection, id).orElseThrow();
              case 1 -> snapshotted.load(connection, id).orElseThrow();
              default -> handwrittenLoad(connection, id);
            };
        if (ledger.state().purchases() != LOADED_EVENTS) {
          throw new IllegalStateException("loaded " + ledger.state() + ", not every event");
        }
        connection.commit();
        loads++;
      }
      return loads * 1e9 / (System.nanoTime() - start);
    }
  }

  private Ledger handwrittenLoad(Connection connection, String id) throws Exception {
    Ledger ledger = new Ledger(id);
    try (PreparedStatement select = connection.prepareStatement(PEER_SELECT)) {
      select.setString(1, "Ledger");
      select.setString(2, id);
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          Purchase purchase = payloadReader.readValue(rows.getString(1));
          ledger.onPurchased(purchase);
        }
      }
    }
    return ledger;
  }

  private void clear() throws SQLException {
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement()) {
      statement.executeUpdate("DELETE FROM domain_event_store");
      statement.executeUpdate("DELETE FROM domain_event_snapshot");
    }
  }

  /**
   * The section's measurements: append rounds per configuration, and load rounds, each a row of the
   * table. Ratios are SDK over hand-written, taken within a round; the figures are their medians
   * and ranges.
   */
  static Figures figures(boolean postgres, boolean quick) throws Exception {
    long millis = quick ? 1_000 : 3_000;
    int rounds = quick ? 3 : 5;
    try (StoreRuns runs = postgres ? postgres() : h2()) {
      Figures figures = new Figures(runs.databaseName());
      int[][] configurations = {{1, 1}, {1, 10}, {16, 1}, {16, 10}}; // {writers, per transaction}
      for (int[] c : configurations) {
        runs.append(true, c[0], c[1], millis / 2); // warm-ups, not reported
        runs.append(false, c[0], c[1], millis / 2);
      }
      for (int round = 0; round < rounds; round++) {
        for (int[] c : configurations) {
          // Alternated: each side runs first in every other round.
          boolean sdkFirst = round % 2 == 0;
          double peer =
              sdkFirst ? 0 : BenchmarkMain.settled(() -> runs.append(false, c[0], c[1], millis));
          double sdk = BenchmarkMain.settled(() -> runs.append(true, c[0], c[1], millis));
          if (sdkFirst) {
            peer = BenchmarkMain.settled(() -> runs.append(false, c[0], c[1], millis));
          }
          String name =
              String.format(
                  Locale.ROOT,
                  "append, %d writer%s, %d event%s/tx",
                  c[0],
                  c[0] == 1 ? "" : "s",
                  c[1],
                  c[1] == 1 ? "" : "s");
          figures.add(name, sdk, peer);
          System.out.printf(
              Locale.ROOT,
              "store %s, round %d: store %.0f/s, hand-written %.0f/s%n",
              name,
              round + 1,
              sdk,
              peer);
        }
      }
      String id = runs.writeLoadedLedger();
      for (int side = 0; side < 3; side++) {
        runs.load(id, side, millis / 2); // warm-ups, not reported
      }
      for (int round = 0; round < rounds; round++) {
        double[] perSecond = new double[3];
        for (int k = 0; k < 3; k++) {
          int side = (round + k) % 3; // rotated, so no side always runs first
          perSecond[side] = BenchmarkMain.settled(() -> runs.load(id, side, millis));
        }
        figures.add("load 1,000 events, no snapshot", perSecond[0], perSecond[2]);
        figures.add("load 1,000 events, snapshot", perSecond[1], perSecond[2]);
        System.out.printf(
            Locale.ROOT,
            "store load round %d: replay %.0f/s, snapshot %.0f/s, hand-written %.0f/s%n",
            round + 1,
            perSecond[0],
            perSecond[1],
            perSecond[2]);
      }
      return figures;
    }
  }

  /** The rounds of each comparison, in the order first measured. */
  static final class Figures {
    private final String database;
    private final Map<String, List<double[]>> rounds = new LinkedHashMap<>();

    Figures(String database) {
      this.database = database;
    }

    /** A section that did not run. */
    static Figures skipped() {
      return new Figures("none");
    }

    void add(String name, double sdk, double peer) {
      rounds.computeIfAbsent(name, k -> new ArrayList<>()).add(new double[] {sdk, peer});
    }

    /** One row per comparison: medians of each side, and the median and range of the ratios. */
    void appendTo(StringBuilder table) {
      rounds.forEach(
          (name, pairs) -> {
            double[] ratios = pairs.stream().mapToDouble(p -> p[0] / p[1]).sorted().toArray();
            table.append(
                String.format(
                    Locale.ROOT,
                    "| event store %s (%s), per s, median of %d | %.0f | hand-written %.0f | %.2f"
                        + " (%.2f-%.2f) |%n",
                    name,
                    database,
                    pairs.size(),
                    BenchmarkMain.median(pairs.stream().mapToDouble(p -> p[0]).sorted().toArray()),
                    BenchmarkMain.median(pairs.stream().mapToDouble(p -> p[1]).sorted().toArray()),
                    BenchmarkMain.median(ratios),
                    ratios[0],
                    ratios[ratios.length - 1]));
          });
    }

    /** The machine-readable ratios, NaN when not measured. */
    String ratios() {
      return String.format(
          Locale.ROOT,
          "store_append_16x1=%.2f store_append_16x10=%.2f store_load=%.2f store_load_snapshot=%.2f",
          ratio("append, 16 writers, 1 event/tx"),
          ratio("append, 16 writers, 10 events/tx"),
          ratio("load 1,000 events, no snapshot"),
          ratio("load 1,000 events, snapshot"));
    }

    private double ratio(String name) {
      List<double[]> pairs = rounds.getOrDefault(name, List.of());
      return BenchmarkMain.median(pairs.stream().mapToDouble(p -> p[0] / p[1]).sorted().toArray());
    }
  }

  /** Drops the database or schema. */
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

  /** The ledger's snapshots: its two counters. */
  private static final class LedgerSnapshots implements Snapshots<Ledger, Ledger.State> {
    @Override
    public Class<Ledger.State> stateType() {
      return Ledger.State.class;
    }

    @Override
    public int schemaVersion() {
      return 1;
    }

    @Override
    public Ledger.State capture(Ledger ledger) {
      return ledger.state();
    }

    @Override
    public Ledger restore(String id, Ledger.State state) {
      return Ledger.restored(id, state);
    }
  }
}
