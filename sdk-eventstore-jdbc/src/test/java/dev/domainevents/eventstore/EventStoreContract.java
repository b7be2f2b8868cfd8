package dev.domainevents.eventstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.domainevents.EventEnvelope;
import dev.domainevents.outbox.JdbcOutbox;
import dev.domainevents.spi.Envelopes;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The store's contract, run against each database. */
abstract class EventStoreContract {
  abstract TestDatabase database();

  JdbcEventStore store;

  @BeforeEach
  void emptyStore() throws SQLException {
    database().clear();
    store = JdbcEventStore.create(database().dataSource(), database().dialect(), Goods.CATALOG);
  }

  /** Work to run in one transaction. */
  interface Work<T> {
    T run(Connection connection) throws Exception;
  }

  <T> T inTransaction(Work<T> work) throws Exception {
    try (Connection connection = database().dataSource().getConnection()) {
      connection.setAutoCommit(false);
      try {
        T result = work.run(connection);
        connection.commit();
        return result;
      } catch (Exception | Error e) {
        connection.rollback();
        throw e;
      }
    }
  }

  static EventEnvelope sold(String sku, int amount) {
    return Envelopes.event(Goods.SELL, sku, new Goods.Sold(sku, amount), Map.of("k", "v"));
  }

  static StreamId goods(String sku) {
    return new StreamId("Goods", sku);
  }

  @Test
  void appendsAndLoadsAStreamFromAVersion() throws Exception {
    List<EventEnvelope> first = List.of(sold("a", 1), sold("a", 2));
    assertEquals(2L, (long) inTransaction(c -> store.append(c, goods("a"), 0, first)));
    EventEnvelope third = sold("a", 3);
    assertEquals(3L, (long) inTransaction(c -> store.append(c, goods("a"), 2, List.of(third))));
    inTransaction(c -> store.append(c, goods("b"), 0, List.of(sold("b", 9))));

    List<RecordedEvent> all = inTransaction(c -> store.load(c, goods("a"), 0));
    assertEquals(List.of(1L, 2L, 3L), all.stream().map(RecordedEvent::streamVersion).toList());
    assertEquals(first.get(0), all.get(0).envelope()); // payload, headers and ids round-trip
    assertEquals(third, all.get(2).envelope());
    List<RecordedEvent> fromTwo = inTransaction(c -> store.load(c, goods("a"), 2));
    assertEquals(List.of(third), fromTwo.stream().map(RecordedEvent::envelope).toList());
    assertEquals(3L, (long) inTransaction(c -> store.currentVersion(c, goods("a"))));
    assertEquals(0L, (long) inTransaction(c -> store.currentVersion(c, goods("none"))));
  }

  @Test
  void appendsAnEntitysPendingEventsAndClearsThem() throws Exception {
    Goods goods = new Goods("e");
    goods.sell(1);
    goods.sell(2);
    assertEquals(2L, (long) inTransaction(c -> store.append(c, goods, 0)));
    assertTrue(goods.pendingEvents().isEmpty());
    goods.sell(3);
    assertThrows(
        ConcurrencyConflictException.class, () -> inTransaction(c -> store.append(c, goods, 1)));
    assertEquals(1, goods.pendingEvents().size(), "a failed append leaves the events pending");
  }

  @Test
  void aStaleExpectedVersionConflictsNamingStreamExpectedAndActual() throws Exception {
    inTransaction(c -> store.append(c, goods("c"), 0, List.of(sold("c", 1), sold("c", 2))));
    ConcurrencyConflictException stale =
        assertThrows(
            ConcurrencyConflictException.class,
            () -> inTransaction(c -> store.append(c, goods("c"), 1, List.of(sold("c", 3)))));
    assertEquals(goods("c"), stale.stream());
    assertEquals(1, stale.expectedVersion());
    assertEquals(2, stale.actualVersion());
    assertTrue(stale.getMessage().contains("Goods/c"), stale.getMessage());

    ConcurrencyConflictException ahead =
        assertThrows(
            ConcurrencyConflictException.class,
            () -> inTransaction(c -> store.append(c, goods("c"), 5, List.of(sold("c", 3)))));
    assertEquals(2, ahead.actualVersion());
    assertEquals(2L, (long) inTransaction(c -> store.currentVersion(c, goods("c"))));
    assertEquals(2, database().count("SELECT COUNT(*) FROM domain_event_store"));
  }

  @Test
  void rejectsEventsOfAnotherStreamWritingNothing() {
    assertThrows(
        IllegalArgumentException.class,
        () -> inTransaction(c -> store.append(c, goods("x"), 0, List.of(sold("y", 1)))));
  }

  int conflictRounds() {
    return 1000;
  }

  /** Two writers of one stream, racing at the same expected version: exactly one wins a round. */
  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void twoWritersOfOneStreamExactlyOneWinsEachRound() throws Exception {
    int rounds = conflictRounds();
    CyclicBarrier barrier = new CyclicBarrier(2);
    AtomicInteger wins = new AtomicInteger();
    AtomicInteger conflicts = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<?>> writers = new ArrayList<>();
      for (int w = 0; w < 2; w++) {
        int writer = w;
        writers.add(
            pool.submit(
                () -> {
                  for (int round = 0; round < rounds; round++) {
                    long expected = round; // each round adds exactly one event
                    barrier.await(10, TimeUnit.SECONDS);
                    try {
                      inTransaction(
                          c ->
                              store.append(
                                  c, goods("race"), expected, List.of(sold("race", writer))));
                      wins.incrementAndGet();
                    } catch (ConcurrencyConflictException e) {
                      assertEquals(expected, e.expectedVersion());
                      assertEquals(expected + 1, e.actualVersion());
                      conflicts.incrementAndGet();
                    }
                    barrier.await(10, TimeUnit.SECONDS);
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
    assertEquals(rounds, wins.get());
    assertEquals(rounds, conflicts.get());
    List<RecordedEvent> stream = inTransaction(c -> store.load(c, goods("race"), 0));
    assertEquals(rounds, stream.size());
    for (int i = 0; i < rounds; i++) {
      assertEquals(i + 1, stream.get(i).streamVersion());
    }
  }

  @Test
  void readsAllStreamsInBatchesInCommitOrder() throws Exception {
    List<EventEnvelope> committed = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      String sku = "r" + (i % 3);
      EventEnvelope event = sold(sku, i);
      long version = i / 3;
      inTransaction(c -> store.append(c, goods(sku), version, List.of(event)));
      committed.add(event);
    }
    List<RecordedEvent> read = new ArrayList<>();
    long position = 0;
    for (List<RecordedEvent> batch; !(batch = store.readAll(position, 10)).isEmpty(); ) {
      assertTrue(batch.size() <= 10);
      read.addAll(batch);
      position = batch.get(batch.size() - 1).globalPosition();
    }
    assertEquals(committed, read.stream().map(RecordedEvent::envelope).toList());
    for (int i = 0; i < read.size(); i++) {
      assertEquals(i + 1, read.get(i).globalPosition());
    }
  }

  /**
   * Upcasting on load: a row written by code at schema version 1, in the old JSON shape, is read by
   * code at version 2 through its {@code @Upcaster}, from its stream and from the global log.
   */
  @Test
  void upcastsOldSchemaVersionsOnLoadAndInTheGlobalLog() throws Exception {
    EventEnvelope v1 = sold("u", 7);
    inTransaction(c -> store.append(c, goods("u"), 0, List.of(v1)));
    assertEquals(
        "1 {\"sku\":\"u\",\"amount\":7}",
        database()
            .text(
                "SELECT schema_version, payload FROM domain_event_store WHERE aggregate_id = 'u'"),
        "stored at version 1 in the old shape");

    JdbcEventStore v2 =
        JdbcEventStore.create(database().dataSource(), database().dialect(), GoodsV2.CATALOG);
    List<RecordedEvent> loaded = inTransaction(c -> v2.load(c, goods("u"), 0));
    List<RecordedEvent> read = v2.readAll(0, 10);
    for (List<RecordedEvent> events : List.of(loaded, read)) {
      assertEquals(1, events.size());
      EventEnvelope event = events.get(0).envelope();
      assertEquals(new GoodsV2.Sold("u", 7), event.payload());
      assertEquals(2, event.schemaVersion(), "the envelope carries the version it was upcast to");
      assertEquals(v1.eventId(), event.eventId());
      assertEquals(v1.headers(), event.headers());
    }

    // Code at version 2 without its upcaster, and code at version 1 reading a version-2 row, are
    // refused with the reason, never misread; the rows stay.
    JdbcEventStore forgotten =
        JdbcEventStore.create(
            database().dataSource(), database().dialect(), GoodsV2.WITHOUT_UPCASTER);
    IllegalStateException noUpcaster =
        assertThrows(
            IllegalStateException.class,
            () -> inTransaction(c -> forgotten.load(c, goods("u"), 0)));
    assertTrue(
        noUpcaster.getMessage().contains("@Upcaster(event = \"Goods:Sell\", from = 1)"),
        noUpcaster.getMessage());
    inTransaction(
        c ->
            v2.append(
                c,
                goods("u"),
                1,
                List.of(Envelopes.event(GoodsV2.SELL, "u", new GoodsV2.Sold("u", 1), Map.of()))));
    IllegalStateException newer =
        assertThrows(
            IllegalStateException.class, () -> inTransaction(c -> store.load(c, goods("u"), 1)));
    assertTrue(newer.getMessage().contains("schema version 2"), newer.getMessage());
    assertEquals(2, database().count("SELECT COUNT(*) FROM domain_event_store"));
  }

  @Test
  void writesTheOutboxInTheSameTransaction() throws Exception {
    JdbcEventStore withOutbox = store.withOutbox(JdbcOutbox.create()::writeEnvelopes);
    assertThrows(
        IllegalStateException.class,
        () ->
            inTransaction(
                c -> {
                  withOutbox.append(c, goods("o"), 0, List.of(sold("o", 1)));
                  throw new IllegalStateException("the business transaction fails");
                }));
    assertEquals(0, database().count("SELECT COUNT(*) FROM domain_event_store"));
    assertEquals(0, database().count("SELECT COUNT(*) FROM domain_event_outbox"));

    EventEnvelope event = sold("o", 2);
    inTransaction(c -> withOutbox.append(c, goods("o"), 0, List.of(event)));
    assertEquals(1, database().count("SELECT COUNT(*) FROM domain_event_store"));
    assertEquals(
        1,
        database()
            .count(
                "SELECT COUNT(*) FROM domain_event_outbox WHERE event_id = '"
                    + event.eventId()
                    + "'"));
  }

  /** An open transaction delays its own events only: others committed after it are read. */
  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void anOpenTransactionHoldsBackOnlyItsOwnEvents() throws Exception {
    try (Connection open = database().dataSource().getConnection()) {
      open.setAutoCommit(false);
      EventEnvelope late = sold("late", 1);
      store.append(open, goods("late"), 0, List.of(late));
      EventEnvelope early = sold("early", 1);
      inTransaction(c -> store.append(c, goods("early"), 0, List.of(early)));
      ExecutorService reader = Executors.newSingleThreadExecutor();
      try {
        List<RecordedEvent> first =
            reader.submit(() -> store.readAll(0, 10)).get(10, TimeUnit.SECONDS);
        assertEquals(List.of(early), first.stream().map(RecordedEvent::envelope).toList());
        open.commit();
        List<RecordedEvent> next =
            reader.submit(() -> store.readAll(1, 10)).get(10, TimeUnit.SECONDS);
        assertEquals(List.of(late), next.stream().map(RecordedEvent::envelope).toList());
        assertEquals(2, next.get(0).globalPosition());
      } finally {
        reader.shutdownNow();
      }
    }
  }

  /** How long the one slow transaction of the late-commit test stays open: the 30 s. */
  static final long HOLD_MILLIS = 30_000;

  /**
   * The late-commit gap: one transaction appends and stays open for {@link #HOLD_MILLIS} while 32
   * appenders on 8 streams keep committing after random delays, 5% of them rolling back, and a
   * reader reads the global log all along. Every committed event is read exactly once, no
   * rolled-back one is, each stream in commit order, and the reader is not held up by the open
   * transaction.
   */
  @Test
  @Timeout(value = 240, unit = TimeUnit.SECONDS)
  void lateCommitsAreReadExactlyOnceAndRollbacksNever() throws Exception {
    int appenders = 32;
    Map<String, Queue<EventEnvelope>> committed = new ConcurrentHashMap<>();
    Set<EventEnvelope> rolledBack = ConcurrentHashMap.newKeySet();
    ExecutorService pool = Executors.newFixedThreadPool(appenders + 1);
    List<RecordedEvent> read = new ArrayList<>();
    AtomicInteger readCount = new AtomicInteger();
    AtomicInteger readWhileHeld = new AtomicInteger(-1);
    AtomicBoolean heldCommitted = new AtomicBoolean();
    long heldFor;
    try {
      CyclicBarrier start = new CyclicBarrier(appenders + 2);
      EventEnvelope held = sold("held", 0);
      Future<Long> holder =
          pool.submit(
              () -> {
                long opened = System.nanoTime();
                inTransaction(
                    c -> {
                      store.append(c, goods("held"), 0, List.of(held));
                      start.await(10, TimeUnit.SECONDS);
                      Thread.sleep(HOLD_MILLIS);
                      readWhileHeld.set(readCount.get());
                      return null;
                    });
                committed.computeIfAbsent("held", k -> new ConcurrentLinkedQueue<>()).add(held);
                heldCommitted.set(true);
                return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - opened);
              });
      List<Future<?>> writers = new ArrayList<>();
      for (int a = 0; a < appenders; a++) {
        String sku = "s" + (a % 8);
        writers.add(
            pool.submit(
                () -> {
                  start.await(10, TimeUnit.SECONDS);
                  ThreadLocalRandom random = ThreadLocalRandom.current();
                  // Appending all through the hold, and a little after it.
                  for (int i = 0; !heldCommitted.get() || i < 12; i++) {
                    List<EventEnvelope> events = new ArrayList<>();
                    for (int e = 0, n = 1 + random.nextInt(3); e < n; e++) {
                      events.add(sold(sku, i));
                    }
                    boolean rollback = random.nextInt(100) < 5;
                    try {
                      inTransaction(
                          c -> {
                            long version = store.currentVersion(c, goods(sku));
                            store.append(c, goods(sku), version, events);
                            Thread.sleep(random.nextInt(50));
                            if (rollback) {
                              throw new RolledBack();
                            }
                            return null;
                          });
                      committed
                          .computeIfAbsent(sku, k -> new ConcurrentLinkedQueue<>())
                          .addAll(events);
                    } catch (RolledBack | ConcurrencyConflictException | SQLException e) {
                      // rolled back: on purpose, a lost race, or a lock wait that timed out
                      rolledBack.addAll(events);
                    }
                  }
                  return null;
                }));
      }
      start.await(10, TimeUnit.SECONDS);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(200);
      long position = 0;
      boolean writersDone = false;
      while (System.nanoTime() < deadline) {
        List<RecordedEvent> batch = store.readAll(position, 500);
        read.addAll(batch);
        readCount.addAndGet(batch.size());
        if (!batch.isEmpty()) {
          position = batch.get(batch.size() - 1).globalPosition();
        } else if (writersDone) {
          break;
        } else {
          writersDone = holder.isDone() && writers.stream().allMatch(Future::isDone);
          Thread.sleep(5);
        }
      }
      heldFor = holder.get(1, TimeUnit.SECONDS);
      for (Future<?> writer : writers) {
        writer.get(1, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    Set<EventEnvelope> seen = new HashSet<>();
    for (int i = 0; i < read.size(); i++) {
      RecordedEvent event = read.get(i);
      assertEquals(i + 1, event.globalPosition(), "positions are gap-free");
      assertTrue(seen.add(event.envelope()), () -> "read twice: " + event);
      assertFalse(rolledBack.contains(event.envelope()), () -> "rolled back but read: " + event);
    }
    int total = committed.values().stream().mapToInt(Queue::size).sum();
    assertEquals(total, read.size(), "every committed event is read");
    for (Map.Entry<String, Queue<EventEnvelope>> stream : committed.entrySet()) {
      // A stream's commit order is its version order: an append needs the one before committed.
      List<RecordedEvent> inLog =
          read.stream().filter(e -> e.envelope().aggregateId().equals(stream.getKey())).toList();
      for (int i = 0; i < inLog.size(); i++) {
        assertEquals(i + 1, inLog.get(i).streamVersion(), "stream " + stream.getKey() + " order");
      }
      assertEquals(
          new HashSet<>(stream.getValue()),
          inLog.stream().map(RecordedEvent::envelope).collect(Collectors.toSet()),
          "stream " + stream.getKey() + " holds what committed");
    }
    assertTrue(heldFor >= HOLD_MILLIS, "the transaction was held open " + heldFor + " ms");
    // Most events committed, and were read, while the one transaction was open.
    assertTrue(
        readWhileHeld.get() > total / 2,
        "read " + readWhileHeld.get() + " of " + total + " events while a transaction was open");
    assertTrue(rolledBack.size() > 0, "some appends rolled back");
  }

  /** Thrown to roll an append's transaction back on purpose. */
  static final class RolledBack extends Exception {
    private static final long serialVersionUID = 1L;
  }
}
