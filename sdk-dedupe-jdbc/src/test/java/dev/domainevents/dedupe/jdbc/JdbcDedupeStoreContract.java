package dev.domainevents.dedupe.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.domainevents.EventContext;
import dev.domainevents.EventEnvelope;
import dev.domainevents.EventPublishException;
import dev.domainevents.kafka.KafkaInfra;
import dev.domainevents.spi.EventCatalog;
import dev.domainevents.test.kafka.EmbeddedKafkaExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link JdbcDedupeStore} against a real database, and a consumer process killed with SIGKILL
 * mid-stream against a real broker. Subclasses pick the database.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class JdbcDedupeStoreContract {
  @RegisterExtension static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

  private static final int EVENTS = 5_000;
  private static final int KILLS = 5;
  private static final AtomicInteger GROUPS = new AtomicInteger();

  TestDatabase database;
  JdbcDedupeStore store;

  abstract TestDatabase openDatabase() throws Exception;

  @BeforeAll
  void createTables() throws Exception {
    database = openDatabase();
    try (Connection connection = database.connect()) {
      JdbcDedupeStore.createTable(connection, database.dialect);
      JdbcDedupeStore.createTable(connection, database.dialect); // twice is harmless
    }
    CounterEvents.createEffectTables(database);
    database.execute("CREATE TABLE skipped_duplicate (event_id VARCHAR(36) NOT NULL)");
    store = JdbcDedupeStore.create(database.dataSource());
  }

  @AfterAll
  void dropDatabase() throws Exception {
    if (database != null) {
      database.close();
    }
  }

  private static String group() {
    return "group-" + GROUPS.incrementAndGet() + "-" + System.nanoTime();
  }

  private long rows(String group) throws SQLException {
    return database.count(
        "SELECT COUNT(*) FROM "
            + JdbcDedupeStore.TABLE
            + " WHERE consumer_group = '"
            + group
            + "'");
  }

  private long logged(EventEnvelope event) throws SQLException {
    return database.count(
        "SELECT COUNT(*) FROM effect_log WHERE event_id = '" + event.eventId() + "'");
  }

  @Test
  void theHandlersWritesAndTheRowCommitTogetherAndADuplicateIsSkipped() throws Exception {
    String group = group();
    EventEnvelope event = CounterEvents.ticked("a", 1);
    AtomicInteger runs = new AtomicInteger();

    assertTrue(
        store.handleOnce(
            group,
            EventContext.of(event),
            context -> {
              runs.incrementAndGet();
              CounterEvents.count(context);
            }));
    assertFalse(
        store.handleOnce(group, EventContext.of(event, 2), context -> runs.incrementAndGet()),
        "a redelivery is a duplicate");
    assertEquals(1, runs.get());
    assertEquals(1, logged(event));
    assertEquals(1, rows(group));
    assertTrue(store.contains(group, event.eventId()));
    assertFalse(store.contains(group(), event.eventId()), "groups are separate");
  }

  @Test
  void aHandlerFailureRollsBackItsWritesAndTheRowSoARetryHandlesItAfresh() throws Exception {
    String group = group();
    EventEnvelope event = CounterEvents.ticked("b", 1);
    IllegalStateException failure = new IllegalStateException("handler failed after writing");

    Exception thrown =
        assertThrows(
            Exception.class,
            () ->
                store.handleOnce(
                    group,
                    EventContext.of(event),
                    context -> {
                      CounterEvents.count(context);
                      throw failure;
                    }));
    assertSame(failure, thrown, "the handler's failure comes back unchanged");
    assertEquals(0, logged(event), "the handler's write was rolled back");
    assertEquals(0, rows(group), "the row was rolled back");

    assertTrue(store.handleOnce(group, EventContext.of(event, 2), CounterEvents::count));
    assertEquals(1, logged(event));
    assertEquals(1, rows(group));
  }

  @Test
  void theConnectionIsOnlyReachableFromTheHandlingContextWhileTheHandlerRuns() throws Exception {
    EventEnvelope event = CounterEvents.ticked("c", 1);
    IllegalStateException outside =
        assertThrows(
            IllegalStateException.class, () -> JdbcDedupeStore.connection(EventContext.of(event)));
    assertTrue(
        outside.getMessage().contains("dedupeStore(JdbcDedupeStore.create"), outside.getMessage());

    AtomicReference<EventContext> kept = new AtomicReference<>();
    store.handleOnce(group(), EventContext.of(event), kept::set);
    IllegalStateException after =
        assertThrows(IllegalStateException.class, () -> JdbcDedupeStore.connection(kept.get()));
    assertTrue(after.getMessage().contains("is over"), after.getMessage());
    assertEquals(event.eventId(), kept.get().eventId(), "the context carries the same event");
  }

  @Test
  void aHandlerThatCommitsByItselfIsCaughtNotSilentlyAccepted() throws Exception {
    String group = group();
    EventEnvelope event = CounterEvents.ticked("d", 1);
    IllegalStateException misuse =
        assertThrows(
            IllegalStateException.class,
            () ->
                store.handleOnce(
                    group,
                    EventContext.of(event),
                    context -> JdbcDedupeStore.connection(context).setAutoCommit(true)));
    assertTrue(misuse.getMessage().contains("auto-commit"), misuse.getMessage());
  }

  @Test
  @Timeout(60)
  void aConcurrentDuplicateWaitsOrFailsButNeverRunsAlongside() throws Exception {
    String group = group();
    EventEnvelope event = CounterEvents.ticked("e", 1);
    AtomicInteger runs = new AtomicInteger();
    CountDownLatch firstRunning = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try {
      Future<Boolean> first =
          threads.submit(
              () ->
                  store.handleOnce(
                      group,
                      EventContext.of(event),
                      context -> {
                        runs.incrementAndGet();
                        CounterEvents.count(context);
                        firstRunning.countDown();
                        assertTrue(release.await(30, TimeUnit.SECONDS));
                      }));
      assertTrue(firstRunning.await(30, TimeUnit.SECONDS));
      Future<Boolean> second =
          threads.submit(
              () ->
                  store.handleOnce(
                      group, EventContext.of(event), context -> runs.incrementAndGet()));
      Thread.sleep(300); // the second insert is now waiting on the first one's key (or failed)
      release.countDown();
      assertTrue(first.get(30, TimeUnit.SECONDS));
      try {
        assertFalse(second.get(30, TimeUnit.SECONDS), "the second delivery saw the first's row");
      } catch (ExecutionException e) {
        // A lock timeout: the infra keeps the record and tries again, which then skips it.
        assertFalse(
            store.handleOnce(group, EventContext.of(event), context -> runs.incrementAndGet()));
      }
    } finally {
      threads.shutdownNow();
    }
    assertEquals(1, runs.get(), "the handler ran once");
    assertEquals(1, logged(event));
  }

  @Test
  void theCleanerDeletesRowsOlderThanTheRetentionOnly() throws Exception {
    String group = group();
    Instant start = Instant.parse("2026-01-01T00:00:00Z");
    AtomicReference<Instant> now = new AtomicReference<>(start);
    Clock clock =
        new Clock() {
          @Override
          public ZoneId getZone() {
            return ZoneOffset.UTC;
          }

          @Override
          public Clock withZone(ZoneId zone) {
            return this;
          }

          @Override
          public Instant instant() {
            return now.get();
          }
        };
    JdbcDedupeStore aging =
        JdbcDedupeStore.builder(database.dataSource())
            .retention(Duration.ofHours(1))
            .clock(clock)
            .build();
    EventEnvelope old = CounterEvents.ticked("f", 1);
    EventEnvelope recent = CounterEvents.ticked("f", 2);
    aging.add(group, old.eventId());
    now.set(start.plus(Duration.ofMinutes(50)));
    aging.add(group, recent.eventId());
    aging.add(group, recent.eventId()); // a second add is harmless

    now.set(start.plus(Duration.ofMinutes(61)));
    assertEquals(1, aging.purgeExpired(), "only the row older than an hour");
    assertFalse(aging.contains(group, old.eventId()));
    assertTrue(aging.contains(group, recent.eventId()));

    now.set(start.plus(Duration.ofMinutes(200)));
    try (AutoCloseable cleaner = aging.startCleaner(Duration.ofMillis(50))) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (aging.contains(group, recent.eventId()) && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
    }
    assertFalse(aging.contains(group, recent.eventId()), "the cleaner deleted it");
  }

  @Test
  void aGroupNameThatDoesNotFitIsRejectedClearly() {
    IllegalArgumentException error =
        assertThrows(
            IllegalArgumentException.class,
            () -> store.contains("g".repeat(256), UUID.randomUUID()));
    assertTrue(error.getMessage().contains("consumerGroup"), error.getMessage());
  }

  /**
   * The consuming service in a child JVM is killed with SIGKILL five times while it works through
   * the topic, and restarted each time. Its handler counts every event in the dedupe transaction;
   * at the end the count equals the number of events published, and no event's effect is logged
   * twice, although the kills caused redeliveries (the store skipped some).
   */
  @Test
  @Timeout(600)
  void aConsumerKilledFiveTimesMidStreamHasEachEffectExactlyOnce() throws Exception {
    long started = System.nanoTime();
    long before = counted();
    String topic = "dedupe-crash-" + System.nanoTime();
    String group = "crash-" + System.nanoTime();
    KAFKA.broker().createTopic(topic, 3);
    EventCatalog catalog = EventCatalog.of(CounterEvents.registry(topic));
    List<EventEnvelope> batch = new ArrayList<>();
    for (int i = 0; i < EVENTS; i++) {
      batch.add(CounterEvents.ticked("crash-" + (i % 50), i / 50));
      if (batch.size() == 500) {
        publish(batch, catalog);
        batch.clear();
      }
    }

    System.out.println("crash test: published in " + seconds(started) + " s");
    Path logs = Files.createDirectories(Path.of("target", "consumer-process"));
    Path log = logs.resolve(getClass().getSimpleName() + ".log");
    long step = EVENTS / (KILLS + 1);
    for (int kill = 1; kill <= KILLS; kill++) {
      Process consumer =
          ConsumerProcess.start(KAFKA.bootstrapServers(), topic, group, database.url, log);
      try {
        long target = before + step * kill;
        awaitCount(consumer, target, Duration.ofSeconds(90), log);
        System.out.println("crash test: kill " + kill + " at " + seconds(started) + " s");
      } finally {
        consumer.destroyForcibly(); // SIGKILL: no commit, no close
        assertTrue(consumer.waitFor(30, TimeUnit.SECONDS), "the killed consumer exited");
      }
    }
    Process last = ConsumerProcess.start(KAFKA.bootstrapServers(), topic, group, database.url, log);
    try {
      awaitCount(last, before + EVENTS, Duration.ofSeconds(120), log);
      System.out.println("crash test: all handled at " + seconds(started) + " s");
      Thread.sleep(2_000); // a late duplicate would show up now
    } finally {
      last.destroyForcibly();
      last.waitFor(30, TimeUnit.SECONDS);
    }

    assertEquals(EVENTS, counted() - before, "the counter moved once per event");
    assertEquals(
        EVENTS, database.count("SELECT COUNT(*) FROM effect_log WHERE counter LIKE 'crash-%'"));
    assertEquals(
        EVENTS,
        database.count(
            "SELECT COUNT(DISTINCT event_id) FROM effect_log WHERE counter LIKE 'crash-%'"));
    assertEquals(EVENTS, rows(group), "one dedupe row per event");
    long skipped = database.count("SELECT COUNT(*) FROM skipped_duplicate");
    assertTrue(skipped > 0, "the kills caused redeliveries that the store skipped: " + skipped);
    assertEquals(
        0,
        database.count(
            "SELECT COUNT(*) FROM effect_log a JOIN effect_log b ON a.counter = b.counter"
                + " AND a.sequence = b.sequence AND a.event_id <> b.event_id"),
        "no aggregate sequence handled under two ids");
    System.out.println(
        "crash test: "
            + EVENTS
            + " events, "
            + KILLS
            + " kills, "
            + skipped
            + " duplicate(s) skipped");
  }

  /**
   * Publishes {@code batch}, with a fresh producer up to three times: right after a topic is
   * created, a partition's leader can lag its metadata, and an idempotent producer that met that
   * may keep failing the partition until its delivery timeout. Events written by a failed try are
   * duplicates in the topic, which the store skips like any other.
   */
  private static void publish(List<EventEnvelope> batch, EventCatalog catalog) {
    for (int attempt = 1; ; attempt++) {
      try (KafkaInfra publisher =
          KafkaInfra.builder()
              .bootstrapServers(KAFKA.bootstrapServers())
              .property("request.timeout.ms", "10000")
              .property("delivery.timeout.ms", "20000")
              .build()) {
        publisher.start(catalog);
        publisher.publishAndWait(batch);
        return;
      } catch (EventPublishException e) {
        if (attempt == 3) {
          throw e;
        }
        System.out.println("crash test: publishing again after " + e);
      }
    }
  }

  private long counted() throws SQLException {
    return database.count("SELECT handled FROM effect_counter WHERE id = 1");
  }

  private static long seconds(long startNanos) {
    return TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startNanos);
  }

  private void awaitCount(Process consumer, long target, Duration timeout, Path log)
      throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    long count = 0;
    while (System.nanoTime() < deadline) {
      count = counted();
      if (count >= target) {
        return;
      }
      if (!consumer.isAlive()) {
        throw new AssertionError(
            "the consumer process exited with "
                + consumer.exitValue()
                + "; see "
                + log.toAbsolutePath());
      }
      Thread.sleep(50);
    }
    throw new AssertionError(
        "timed out after "
            + timeout
            + " with "
            + count
            + " of "
            + target
            + " handled; see "
            + log.toAbsolutePath());
  }
}
