package dev.domainevents.eventstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Event-sourced aggregates saved and loaded through the repository, on each database. */
abstract class RepositoryContract {
  abstract TestDatabase database();

  EventSourcedRepository<Stock> stocks;

  @BeforeEach
  void emptyStore() throws SQLException {
    database().clear();
    JdbcEventStore store =
        JdbcEventStore.create(database().dataSource(), database().dialect(), Stock.CATALOG);
    stocks = EventSourcedRepository.create(store, Stock.class, Stock::new);
  }

  interface Work<T> {
    T run(Connection connection) throws SQLException;
  }

  <T> T inTransaction(Work<T> work) throws SQLException {
    try (Connection connection = database().dataSource().getConnection()) {
      connection.setAutoCommit(false);
      try {
        T result = work.run(connection);
        connection.commit();
        return result;
      } catch (SQLException | RuntimeException | Error e) {
        connection.rollback();
        throw e;
      }
    }
  }

  @Test
  void raisingAppliesAtOnceAndLoadingReplays() throws SQLException {
    Stock stock = new Stock("sku-1");
    stock.restock(10);
    stock.take(3);
    assertEquals(7, stock.onHand(), "applied when raised");
    assertEquals(2, stock.version());
    assertEquals(2L, (long) inTransaction(c -> stocks.save(c, stock)));
    assertTrue(stock.pendingEvents().isEmpty());

    Stock loaded = inTransaction(c -> stocks.load(c, "sku-1")).orElseThrow();
    assertEquals(7, loaded.onHand());
    assertEquals(2, loaded.version());
    assertTrue(loaded.pendingEvents().isEmpty(), "replayed events are not raised again");
    loaded.take(7);
    inTransaction(c -> stocks.save(c, loaded));
    assertEquals(0, inTransaction(c -> stocks.load(c, "sku-1")).orElseThrow().onHand());
    assertTrue(inTransaction(c -> stocks.load(c, "none")).isEmpty());
  }

  @Test
  void aStaleSaveConflicts() throws SQLException {
    Stock stock = new Stock("sku-2");
    stock.restock(5);
    inTransaction(c -> stocks.save(c, stock));
    Stock first = inTransaction(c -> stocks.load(c, "sku-2")).orElseThrow();
    Stock second = inTransaction(c -> stocks.load(c, "sku-2")).orElseThrow();
    first.take(5);
    second.take(5);
    inTransaction(c -> stocks.save(c, first));
    ConcurrencyConflictException conflict =
        assertThrows(
            ConcurrencyConflictException.class, () -> inTransaction(c -> stocks.save(c, second)));
    assertEquals(1, conflict.expectedVersion());
    assertEquals(2, conflict.actualVersion());
  }

  /** Eight writers take one each from a stock of 40, retrying on conflicts: no update is lost. */
  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void retryOnConflictLosesNoUpdate() throws Exception {
    Stock stock = new Stock("sku-3");
    stock.restock(40);
    inTransaction(c -> stocks.save(c, stock));
    AtomicInteger exhausted = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> writers = new ArrayList<>();
      for (int w = 0; w < 8; w++) {
        writers.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 5; i++) {
                    try {
                      Retry.onConflict(
                          Retry.MAX_ATTEMPTS,
                          () ->
                              inTransaction(
                                  c -> {
                                    Stock s = stocks.load(c, "sku-3").orElseThrow();
                                    s.take(1);
                                    return stocks.save(c, s);
                                  }));
                    } catch (ConcurrencyConflictException e) {
                      exhausted.incrementAndGet();
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> writer : writers) {
        writer.get(110, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    Stock after = inTransaction(c -> stocks.load(c, "sku-3")).orElseThrow();
    assertEquals(exhausted.get(), after.onHand(), "every successful take is in the stream");
    assertEquals(41 - exhausted.get(), after.version());
  }

  /** Stock's snapshot state, schema version 2. */
  record StockState(int onHand) {}

  static final class StockSnapshots implements Snapshots<Stock, StockState> {
    @Override
    public Class<StockState> stateType() {
      return StockState.class;
    }

    @Override
    public int schemaVersion() {
      return 2;
    }

    @Override
    public StockState capture(Stock stock) {
      return new StockState(stock.onHand());
    }

    @Override
    public Stock restore(String id, StockState state) {
      return Stock.restored(id, state.onHand());
    }
  }

  @Test
  void snapshotsEveryNEventsAndReplaysOnlyTheEventsAfter() throws SQLException {
    EventSourcedRepository<Stock> snapshotting = stocks.withSnapshots(3, new StockSnapshots());
    Stock stock = new Stock("sku-s");
    stock.restock(100);
    inTransaction(c -> snapshotting.save(c, stock));
    for (int i = 0; i < 6; i++) {
      Stock loaded = inTransaction(c -> snapshotting.load(c, "sku-s")).orElseThrow();
      loaded.take(1);
      inTransaction(c -> snapshotting.save(c, loaded));
    }
    // 7 events: snapshots were written at versions 3 and 6.
    assertEquals(6, database().count("SELECT stream_version FROM domain_event_snapshot"));
    Stock loaded = inTransaction(c -> snapshotting.load(c, "sku-s")).orElseThrow();
    assertEquals(94, loaded.onHand());
    assertEquals(7, loaded.version());

    // The snapshot is what load starts from: a doctored one shows through...
    execute("UPDATE domain_event_snapshot SET state = '{\"onHand\":1000}'");
    assertEquals(999, inTransaction(c -> snapshotting.load(c, "sku-s")).orElseThrow().onHand());
    // ...unless its schema is older than the code's: then it is ignored and the stream replayed.
    execute("UPDATE domain_event_snapshot SET schema_version = 1");
    Stock replayed = inTransaction(c -> snapshotting.load(c, "sku-s")).orElseThrow();
    assertEquals(94, replayed.onHand());
    assertEquals(7, replayed.version());
  }

  private void execute(String sql) {
    TestDatabase.execute(database().dataSource(), sql);
  }

  @Test
  void retryGivesUpAfterItsAttempts() {
    AtomicInteger runs = new AtomicInteger();
    ConcurrencyConflictException last =
        assertThrows(
            ConcurrencyConflictException.class,
            () ->
                Retry.onConflict(
                    3,
                    () -> {
                      runs.incrementAndGet();
                      throw new ConcurrencyConflictException(new StreamId("Stock", "x"), 1, 2);
                    }));
    assertEquals(3, runs.get());
    assertEquals(2, last.getSuppressed().length, "the earlier conflicts are kept");
  }
}
