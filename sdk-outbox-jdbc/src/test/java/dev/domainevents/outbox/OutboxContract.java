package dev.domainevents.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.domainevents.DomainEvents;
import dev.domainevents.EventEnvelope;
import dev.domainevents.UnitOfWork;
import dev.domainevents.memory.InMemoryInfra;
import dev.domainevents.spi.DomainEventInfra;
import dev.domainevents.spi.EventCatalog;
import dev.domainevents.spi.PayloadCodec;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The outbox's delivery guarantees, against a real database. Subclasses pick the database; the
 * infra is pluggable through {@link #newInfra()}, so the same tests run against Kafka by overriding
 * it (the relay ships to whatever infra is installed).
 */
abstract class OutboxContract {
  static final Duration WAIT = Duration.ofSeconds(30);

  final JdbcOutbox outbox = JdbcOutbox.create();
  final Recorder recorder = new Recorder();
  final List<AutoCloseable> closeAfterTest = new ArrayList<>();
  SwitchableInfra infra;
  DomainEvents.Installation installation;

  /** The database of this test class, created once per class. */
  abstract TestDatabase database();

  /** The real infra that the relay ships to; wrapped to simulate outages. */
  DomainEventInfra newInfra() {
    return new InMemoryInfra();
  }

  /**
   * The catalog installed with the infra; {@link #newInfra()} runs first, so a subclass may derive
   * it from the infra it built (e.g. a topic per test).
   */
  EventCatalog catalog() {
    return Goods.CATALOG;
  }

  /** How many events the two-relay test writes. */
  abstract int twoRelayEventCount();

  DataSource dataSource() {
    return database().dataSource();
  }

  @BeforeEach
  void installInfra() throws SQLException {
    database().clear();
    infra = new SwitchableInfra(newInfra());
    installation = DomainEvents.install(infra, catalog(), recorder);
  }

  @AfterEach
  void closeEverything() throws Exception {
    for (AutoCloseable closeable : closeAfterTest) {
      closeable.close();
    }
    installation.close();
  }

  OutboxRelay.Builder relay() {
    return OutboxRelay.builder(dataSource(), outbox)
        .pollInterval(Duration.ofMillis(50))
        .publishTimeout(Duration.ofSeconds(10));
  }

  OutboxRelay started(OutboxRelay relay) {
    closeAfterTest.add(relay);
    return relay.start();
  }

  /** Commits one transaction in which each entity sells {@code times} times. */
  void sellAndCommit(int times, Goods... goods) throws SQLException {
    outbox.inTransaction(
        dataSource(),
        connection -> {
          for (int i = 0; i < times; i++) {
            for (Goods g : goods) {
              g.sell();
            }
          }
          return outbox.write(connection, goods);
        });
  }

  @Test
  void rollbackLeavesNoEvent() throws Exception {
    Goods goods = new Goods("apple");
    assertThrows(
        IllegalStateException.class,
        () ->
            outbox.inTransaction(
                dataSource(),
                connection -> {
                  goods.sell();
                  outbox.write(connection, goods);
                  throw new IllegalStateException("business rule broken after the write");
                }));
    try (Connection connection = dataSource().getConnection()) {
      connection.setAutoCommit(false);
      goods.sell();
      outbox.write(connection, goods);
      connection.rollback();
    }

    assertEquals(0, database().count("1 = 1"));
    assertEquals(0, relay().build().pollOnce());
    assertEquals(List.of(), recorder.deliveries());
  }

  @Test
  void commitIsDeliveredOnceWithEverythingTheEnvelopeCarried() throws Exception {
    started(relay().pollInterval(Duration.ofMinutes(5)).build()); // only a commit can wake it
    Goods apple = new Goods("apple");
    Goods pear = new Goods("pear");
    List<EventEnvelope> raised = new ArrayList<>();
    outbox.inTransaction(
        dataSource(),
        connection -> {
          apple.sell();
          pear.sell();
          apple.sell();
          raised.addAll(apple.pendingEvents());
          raised.addAll(pear.pendingEvents());
          return outbox.write(connection, apple, pear, apple);
        });
    assertTrue(apple.pendingEvents().isEmpty(), "written events are drained from the entity");
    assertEquals(3, database().count("1 = 1"), "an entity passed twice is written once");

    List<EventEnvelope> delivered = new ArrayList<>(recorder.awaitDistinct(3, WAIT));
    assertEquals(2, recorder.assertOrderPerAggregate(), "in raise order per aggregate");
    // Only the order per aggregate is promised: Kafka may interleave partitions differently.
    raised.sort((a, b) -> a.eventId().compareTo(b.eventId()));
    delivered.sort((a, b) -> a.eventId().compareTo(b.eventId()));
    assertEquals(raised, delivered, "every field survives the table");
    assertEquals(3, recorder.deliveries().size(), "nothing delivered twice");
    awaitCount("status = " + OutboxRows.SENT, 3);
  }

  @Test
  void relayKilledBetweenSendAndMarkRedeliversAndLosesNothing() throws Exception {
    Goods goods = new Goods("apple");
    sellAndCommit(5, goods);
    AtomicBoolean crash = new AtomicBoolean(true);
    OutboxRelay dying =
        relay()
            .afterPublish(
                events -> {
                  if (crash.getAndSet(false)) {
                    throw new SimulatedCrash();
                  }
                })
            .build();

    assertThrows(SimulatedCrash.class, dying::pollOnce);
    recorder.awaitDistinct(5, WAIT); // the broker has them...
    assertEquals(5, database().count("status = " + OutboxRows.PENDING), "...but none is marked");

    assertEquals(5, relay().build().pollOnce(), "the next relay ships them again");
    assertEquals(5, recorder.awaitDistinct(5, WAIT).size());
    awaitDeliveries(10);
    assertEquals(10, recorder.deliveries().size(), "redelivered once");
    assertEquals(5, recorder.deduped().size(), "exactly once after dedupe");
    recorder.assertOrderPerAggregate();
    assertEquals(5, database().count("status = " + OutboxRows.SENT));
    assertEquals(0, relay().build().pollOnce());
  }

  @Test
  void twoRelaysShipEveryEventOnceInOrderPerAggregate() throws Exception {
    int total = twoRelayEventCount();
    int aggregates = 40;
    Goods[] goods = new Goods[aggregates];
    for (int i = 0; i < aggregates; i++) {
      goods[i] = new Goods("sku-" + i);
    }
    AtomicInteger shippedByA = new AtomicInteger();
    AtomicInteger shippedByB = new AtomicInteger();
    started(
        relay()
            .name("relay-a")
            .batchSize(200)
            .afterPublish(e -> shippedByA.addAndGet(e.size()))
            .build());
    started(
        relay()
            .name("relay-b")
            .batchSize(200)
            .afterPublish(e -> shippedByB.addAndGet(e.size()))
            .build());
    long start = System.nanoTime();

    ThreadLocalRandom random = ThreadLocalRandom.current();
    try (Connection connection = dataSource().getConnection()) {
      connection.setAutoCommit(false);
      for (int written = 0, transaction = 0; written < total; transaction++) {
        // Small transactions over two aggregates, committed while both relays run.
        Goods[] some = {goods[transaction % aggregates], goods[random.nextInt(aggregates)]};
        if (some[0] == some[1]) {
          some = new Goods[] {some[0]};
        }
        int times = Math.min(10, (total - written) / some.length);
        if (times == 0) {
          some = new Goods[] {some[0]};
          times = total - written;
        }
        for (int i = 0; i < times; i++) {
          for (Goods g : some) {
            g.sell();
          }
        }
        written += outbox.write(connection, some);
        connection.commit();
        outbox.committed();
      }
    }

    List<EventEnvelope> delivered = recorder.awaitDistinct(total, Duration.ofSeconds(50));
    assertEquals(total, delivered.size());
    assertEquals(total, recorder.deliveries().size(), "no row was claimed and shipped twice");
    assertEquals(aggregates, recorder.assertOrderPerAggregate());
    awaitCount("status = " + OutboxRows.SENT, total);
    assertTrue(shippedByA.get() > 0 && shippedByB.get() > 0, "both relays worked");
    assertEquals(total, shippedByA.get() + shippedByB.get());
    LoggerFactory.getLogger(getClass())
        .info(
            "two relays shipped {} events in {} ms (a: {}, b: {})",
            total,
            (System.nanoTime() - start) / 1_000_000,
            shippedByA.get(),
            shippedByB.get());
  }

  @Test
  void aStartedRelayPublishesItsNextBatchBeforeTheCurrentOneIsAcknowledged() throws Exception {
    HeldAcknowledgements held = new HeldAcknowledgements(infra);
    int total = sellBacklog(20, 30);
    started(relay().infra(held).batchSize(50).build());

    assertEquals(total, recorder.awaitDistinct(total, WAIT).size());
    awaitCount("status = " + OutboxRows.SENT, total);
    assertEquals(total, recorder.deliveries().size(), "no row was claimed and shipped twice");
    assertEquals(20, recorder.assertOrderPerAggregate());
    assertTrue(
        held.overlapping() >= total / 50 / 2,
        "most batches were published while the one before waited for its acknowledgement: "
            + held.overlapping());
  }

  @Test
  void withoutPipeliningAStartedRelayWaitsForEachAcknowledgement() throws Exception {
    HeldAcknowledgements held = new HeldAcknowledgements(infra);
    int total = sellBacklog(4, 25);
    started(relay().infra(held).batchSize(50).pipelining(false).build());

    assertEquals(total, recorder.awaitDistinct(total, WAIT).size());
    awaitCount("status = " + OutboxRows.SENT, total);
    assertEquals(4, recorder.assertOrderPerAggregate());
    assertEquals(0, held.overlapping());
  }

  @Test
  void closingAStartedRelayMidBacklogFinishesItsBatchInFlight() throws Exception {
    int total = sellBacklog(20, 100);
    CountDownLatch firstBatch = new CountDownLatch(1);
    OutboxRelay relay = relay().batchSize(20).afterPublish(e -> firstBatch.countDown()).build();
    relay.start();
    assertTrue(firstBatch.await(WAIT.toSeconds(), TimeUnit.SECONDS));
    relay.close();

    long sent = database().count("status = " + OutboxRows.SENT);
    assertTrue(sent > 0 && sent < total, "closed mid-backlog: " + sent + " of " + total + " sent");
    OutboxRelay next = relay().batchSize(500).build();
    while (next.pollOnce() > 0) {
      // ships the rest; a batch the first relay left open would stay locked and never ship
    }
    assertEquals(0, database().count("status <> " + OutboxRows.SENT));
    assertEquals(total, recorder.awaitDistinct(total, WAIT).size());
    awaitDeliveries(total);
    assertEquals(
        total, recorder.deliveries().size(), "the batch in flight was marked, not shipped again");
    assertEquals(20, recorder.assertOrderPerAggregate());
  }

  /** Commits {@code perAggregate} events of each of {@code aggregates} goods; returns the total. */
  int sellBacklog(int aggregates, int perAggregate) throws SQLException {
    Goods[] goods = new Goods[aggregates];
    for (int i = 0; i < aggregates; i++) {
      goods[i] = new Goods("sku-" + i);
    }
    sellAndCommit(perAggregate, goods);
    return aggregates * perAggregate;
  }

  @Test
  void anEventOlderThanADayIsStillShipped() throws Exception {
    sellAndCommit(1, new Goods("apple"));
    try (Connection connection = dataSource().getConnection();
        var statement = connection.createStatement()) {
      // The seed never processed events older than 24 hours; ours has no horizon.
      statement.executeUpdate(
          "UPDATE domain_event_outbox SET created_at_ms = 0, occurred_at_ms = 0");
    }
    assertEquals(1, relay().build().pollOnce());
    assertEquals(0L, recorder.awaitDistinct(1, WAIT).get(0).occurredAt().toEpochMilli());
  }

  @Test
  void eventsWaitWhileTheBrokerIsDownAndAllArriveWhenItReturns() throws Exception {
    infra.mode(SwitchableInfra.Mode.HANGING);
    started(
        relay()
            .publishTimeout(Duration.ofMillis(100))
            .retryStrategy(RetryStrategy.interval(1_000, Duration.ofMillis(20)))
            .build());
    Goods apple = new Goods("apple");
    Goods pear = new Goods("pear");
    sellAndCommit(10, apple, pear);
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      // Wait until the outage has cost a few attempts.
      if (maxAttempts() >= 3) {
        break;
      }
      Thread.sleep(20);
    }
    assertTrue(maxAttempts() >= 3, "the relay kept trying while the broker was down");
    infra.mode(SwitchableInfra.Mode.FAILING);
    Thread.sleep(100);
    assertEquals(20, database().count("status = " + OutboxRows.PENDING), "all wait in the outbox");
    assertTrue(recorder.deduped().isEmpty());

    infra.mode(SwitchableInfra.Mode.UP);
    assertEquals(20, recorder.awaitDistinct(20, WAIT).size());
    assertEquals(2, recorder.assertOrderPerAggregate());
    awaitCount("status = " + OutboxRows.SENT, 20);
  }

  @Test
  void limitStrategyMakesExactlyItsAttemptsThenKeepsTheEventAsFailed() throws Exception {
    MutableClock clock = new MutableClock();
    OutboxRelay relay = relay().clock(clock).retryStrategy(RetryStrategy.limit(4)).build();
    Goods goods = new Goods("apple");
    sellAndCommit(1, goods);
    EventEnvelope event = storedEvents().get(0);
    infra.mode(SwitchableInfra.Mode.FAILING);

    for (int i = 0; i < 10; i++) {
      relay.pollOnce();
    }
    assertEquals(4, infra.attempts(event.eventId()));
    List<FailedEvent> failed = OutboxFailures.create(dataSource()).list(10);
    assertEquals(1, failed.size());
    assertEquals(event.eventId(), failed.get(0).eventId());
    assertEquals(4, failed.get(0).attempts());
    assertTrue(
        failed.get(0).reason().contains("broker unreachable (simulated)"), failed.get(0).reason());

    infra.mode(SwitchableInfra.Mode.UP);
    assertTrue(OutboxFailures.create(dataSource()).requeue(event.eventId()));
    assertEquals(1, relay.pollOnce());
    assertEquals(List.of(event.eventId()), ids(recorder.awaitDistinct(1, WAIT)));
    assertEquals(List.of(), OutboxFailures.create(dataSource()).list(10));
  }

  @Test
  void intervalStrategyMakesExactlyItsAttemptsItsIntervalApart() throws Exception {
    MutableClock clock = new MutableClock();
    Duration interval = Duration.ofMinutes(5);
    OutboxRelay relay =
        relay().clock(clock).retryStrategy(RetryStrategy.interval(3, interval)).build();
    sellAndCommit(1, new Goods("apple"));
    EventEnvelope event = storedEvents().get(0);
    infra.mode(SwitchableInfra.Mode.FAILING);

    relay.pollOnce();
    relay.pollOnce();
    assertEquals(1, infra.attempts(event.eventId()), "not again before the interval");
    clock.advance(interval.minusSeconds(1));
    relay.pollOnce();
    assertEquals(1, infra.attempts(event.eventId()));
    clock.advance(Duration.ofSeconds(1));
    relay.pollOnce();
    assertEquals(2, infra.attempts(event.eventId()));
    for (int i = 0; i < 5; i++) {
      clock.advance(interval);
      relay.pollOnce();
    }
    assertEquals(3, infra.attempts(event.eventId()), "exactly three attempts, not four");
    assertEquals(1, database().count("status = " + OutboxRows.FAILED));
  }

  @Test
  void customStrategyMakesOneAttemptPlusOnePerInterval() throws Exception {
    MutableClock clock = new MutableClock();
    OutboxRelay relay =
        relay()
            .clock(clock)
            .retryStrategy(
                RetryStrategy.custom(List.of(Duration.ofSeconds(10), Duration.ofMinutes(10))))
            .build();
    sellAndCommit(1, new Goods("apple"));
    EventEnvelope event = storedEvents().get(0);
    infra.mode(SwitchableInfra.Mode.FAILING);

    relay.pollOnce();
    clock.advance(Duration.ofSeconds(10));
    relay.pollOnce();
    assertEquals(2, infra.attempts(event.eventId()));
    clock.advance(Duration.ofMinutes(9));
    relay.pollOnce();
    assertEquals(2, infra.attempts(event.eventId()), "the second interval is ten minutes");
    clock.advance(Duration.ofMinutes(1));
    relay.pollOnce();
    assertEquals(3, infra.attempts(event.eventId()));
    clock.advance(Duration.ofDays(1));
    relay.pollOnce();
    assertEquals(3, infra.attempts(event.eventId()), "exactly 1 + 2 attempts");
    assertEquals(1, database().count("status = " + OutboxRows.FAILED));
  }

  @Test
  void retryWaitHoldsBackTheAggregatesLaterEventsButNotOthers() throws Exception {
    MutableClock clock = new MutableClock();
    OutboxRelay relay =
        relay()
            .clock(clock)
            .retryStrategy(RetryStrategy.interval(5, Duration.ofMinutes(1)))
            .build();
    Goods apple = new Goods("apple");
    sellAndCommit(1, apple);
    infra.mode(SwitchableInfra.Mode.FAILING);
    relay.pollOnce();
    infra.mode(SwitchableInfra.Mode.UP);

    Goods pear = new Goods("pear");
    sellAndCommit(1, apple, pear);
    assertEquals(1, relay.pollOnce(), "pear goes; apple's second event waits for its first");
    clock.advance(Duration.ofMinutes(1));
    assertEquals(2, relay.pollOnce());
    recorder.awaitDistinct(3, WAIT);
    assertEquals(2, recorder.assertOrderPerAggregate());
  }

  @Test
  void aRowLockedMidAggregateHoldsBackItsLaterRowsAboveShippedHistory() throws Exception {
    OutboxRelay relay = relay().build();
    Goods apple = new Goods("apple");
    sellAndCommit(3, apple);
    assertEquals(3, relay.pollOnce(), "history: apple's first three events are sent");

    sellAndCommit(3, apple);
    // As the database event bus's sequencer does when it numbers a pending row: a lock on the
    // middle one of apple's pending rows, which the relay's claim skips.
    long middle;
    try (Connection connection = dataSource().getConnection();
        var select =
            connection.prepareStatement(
                "SELECT id FROM domain_event_outbox WHERE status = "
                    + OutboxRows.PENDING
                    + " ORDER BY id");
        var pending = select.executeQuery()) {
      assertTrue(pending.next(), "apple's fourth event");
      assertTrue(pending.next(), "apple's fifth event");
      middle = pending.getLong(1);
    }
    try (Connection holder = dataSource().getConnection()) {
      holder.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
      holder.setAutoCommit(false);
      try (var lock =
          holder.prepareStatement("SELECT id FROM domain_event_outbox WHERE id = ? FOR UPDATE")) {
        lock.setLong(1, middle);
        try (var locked = lock.executeQuery()) {
          assertTrue(locked.next());
        }
      }
      assertEquals(1, relay.pollOnce(), "only the row before the locked one may go");
      holder.rollback();
    }
    assertEquals(2, relay.pollOnce());
    recorder.awaitDistinct(6, WAIT);
    assertEquals(1, recorder.assertOrderPerAggregate(), "apple's six events, in order");
  }

  @Test
  void aRowWaitingForARetryMidAggregateHoldsBackOnlyItsAggregatesLaterRows() throws Exception {
    OutboxRelay relay = relay().build();
    Goods apple = new Goods("apple");
    sellAndCommit(3, apple);
    Goods pear = new Goods("pear");
    sellAndCommit(1, pear);
    // A retry strategy whose waits shrink with the attempts can leave a later row of an aggregate
    // waiting longer than its head: here the middle one of apple's three waits, the others are due.
    long middle;
    try (Connection connection = dataSource().getConnection();
        var select =
            connection.prepareStatement(
                "SELECT id FROM domain_event_outbox WHERE aggregate_id = 'apple' ORDER BY id");
        var rows = select.executeQuery()) {
      assertTrue(rows.next(), "apple's first event");
      assertTrue(rows.next(), "apple's second event");
      middle = rows.getLong(1);
    }
    nextAttemptAt(middle, Long.MAX_VALUE / 2);
    assertEquals(2, relay.pollOnce(), "apple's first event and pear's; apple's third waits");
    assertEquals(0, relay.pollOnce(), "apple's third still waits for its second");

    nextAttemptAt(middle, 0);
    assertEquals(2, relay.pollOnce());
    recorder.awaitDistinct(4, WAIT);
    assertEquals(2, recorder.assertOrderPerAggregate(), "apple's three events in order, pear's");
  }

  @Test
  void undecodableRowIsKeptAsFailedWithTheReasonAndBlocksNothing() throws Exception {
    Goods goods = new Goods("apple");
    sellAndCommit(2, goods);
    try (Connection connection = dataSource().getConnection();
        var statement = connection.createStatement()) {
      statement.executeUpdate(
          "UPDATE domain_event_outbox SET event_name = 'Goods:Unknown'"
              + " WHERE id = (SELECT MIN(id) FROM domain_event_outbox)");
    }
    assertEquals(1, relay().build().pollOnce());
    List<FailedEvent> failed = OutboxFailures.create(dataSource()).list(10);
    assertEquals(1, failed.size());
    assertTrue(failed.get(0).reason().contains("unknown event \"Goods:Unknown\""));
    assertEquals(1, failed.get(0).attempts() + 1, "an undecodable row is not retried");
    assertEquals(
        2,
        recorder.awaitDistinct(1, WAIT).get(0).payload().equals(new Goods.Sold("apple", 2)) ? 2 : 0,
        "the aggregate's next event was shipped");
    assertEquals(1, database().count("status = " + OutboxRows.FAILED));
  }

  @Test
  void unencodablePayloadWritesNothingAndKeepsTheEvents() throws Exception {
    JdbcOutbox failing =
        JdbcOutbox.create(
            encodingOnly(
                payload -> {
                  throw new UnsupportedOperationException("no codec for " + payload);
                }));
    Goods goods = new Goods("apple");
    goods.sell();
    try (Connection connection = dataSource().getConnection()) {
      IllegalArgumentException error =
          assertThrows(IllegalArgumentException.class, () -> failing.write(connection, goods));
      assertTrue(error.getMessage().contains("cannot encode the payload of Goods:Sell"));
    }
    assertEquals(1, goods.pendingEvents().size(), "the entity keeps its event");
    assertEquals(0, database().count("1 = 1"));
  }

  @Test
  void aCodecWritingBytesThatAreNotUtf8IsRefusedBeforeAnythingIsWritten() throws Exception {
    JdbcOutbox binary =
        JdbcOutbox.create(
            encodingOnly(payload -> new byte[] {(byte) 0xC3, (byte) 0x28})); // not UTF-8
    Goods goods = new Goods("apple");
    goods.sell();
    try (Connection connection = dataSource().getConnection()) {
      IllegalArgumentException error =
          assertThrows(IllegalArgumentException.class, () -> binary.write(connection, goods));
      assertTrue(error.getMessage().contains("not UTF-8 text"), error.getMessage());
    }
    assertEquals(1, goods.pendingEvents().size(), "the entity keeps its event");
    assertEquals(0, database().count("1 = 1"));
  }

  /** A codec that encodes with {@code encode} and decodes nothing. */
  private static PayloadCodec encodingOnly(Function<Object, byte[]> encode) {
    return new PayloadCodec() {
      @Override
      public byte[] encode(Object payload) {
        return encode.apply(payload);
      }

      @Override
      public <T> T decode(byte[] data, Class<T> type) {
        throw new UnsupportedOperationException();
      }
    };
  }

  @Test
  void aFailedEventCanBeDeletedForGood() throws Exception {
    sellAndCommit(1, new Goods("apple"));
    infra.mode(SwitchableInfra.Mode.FAILING);
    OutboxRelay relay = relay().retryStrategy(RetryStrategy.limit(1)).build();
    assertEquals(0, relay.pollOnce());
    OutboxFailures failures = OutboxFailures.create(dataSource());
    List<FailedEvent> failed = failures.list(10);
    assertEquals(1, failed.size());
    assertTrue(failures.delete(failed.get(0).eventId()));
    assertFalse(failures.delete(failed.get(0).eventId()), "already deleted");
    assertEquals(0, database().count("1 = 1"));
    infra.mode(SwitchableInfra.Mode.UP);
    assertEquals(0, relay.pollOnce());
  }

  @Test
  void aFailedInsertKeepsTheEventsOnTheEntities() throws Exception {
    Goods goods = new Goods("apple");
    goods.sell();
    UnitOfWork work = DomainEvents.unitOfWork();
    work.track(new Goods("pear")).sell();
    Connection broken = dataSource().getConnection();
    broken.close(); // every statement on it fails, as an insert into a dropped table would
    assertThrows(SQLException.class, () -> outbox.write(broken, goods));
    assertThrows(SQLException.class, () -> outbox.write(broken, work));
    assertEquals(1, goods.pendingEvents().size(), "the entity keeps its event");
    assertEquals(1, work.pendingEvents().size(), "the unit of work keeps its event");

    try (Connection connection = dataSource().getConnection()) {
      assertEquals(2, outbox.write(connection, goods) + outbox.write(connection, work));
    }
    assertTrue(goods.pendingEvents().isEmpty(), "written: cleared");
    assertTrue(work.pendingEvents().isEmpty(), "written: cleared");
  }

  @Test
  void cleanerDeletesOnlySentRowsOlderThanTheRetention() throws Exception {
    MutableClock clock = new MutableClock();
    sellAndCommit(3, new Goods("apple"));
    assertEquals(3, relay().clock(clock).build().pollOnce());
    sellAndCommit(1, new Goods("pear")); // pending, and older than the retention by the clock
    OutboxCleaner cleaner =
        OutboxCleaner.builder(dataSource())
            .retention(Duration.ofDays(7))
            .batchSize(2)
            .clock(clock)
            .build();

    clock.advance(Duration.ofDays(7));
    assertEquals(0, cleaner.deleteExpired(), "kept for exactly the retention period");
    clock.advance(Duration.ofMillis(1));
    assertEquals(3, cleaner.deleteExpired(), "deleted in batches of two");
    assertEquals(1, database().count("status = " + OutboxRows.PENDING));
    assertEquals(0, database().count("status = " + OutboxRows.SENT));
  }

  int maxAttempts() throws SQLException {
    try (Connection connection = dataSource().getConnection();
        var statement = connection.createStatement();
        var result = statement.executeQuery("SELECT MAX(attempts) FROM domain_event_outbox")) {
      result.next();
      return result.getInt(1);
    }
  }

  List<EventEnvelope> storedEvents() throws SQLException {
    List<EventEnvelope> events = new ArrayList<>();
    try (Connection connection = dataSource().getConnection();
        var statement = connection.createStatement();
        var result =
            statement.executeQuery(
                "SELECT "
                    + OutboxRows.ENVELOPE_COLUMNS
                    + " FROM domain_event_outbox ORDER BY id")) {
      while (result.next()) {
        try {
          events.add(OutboxRows.readStored(result, 1).decode(Goods.CATALOG, outbox.codec()));
        } catch (OutboxRows.UndecodableEventException e) {
          throw new AssertionError(e);
        }
      }
    }
    return events;
  }

  /** Makes row {@code id} wait for a retry, its first, until {@code atMillis}. */
  void nextAttemptAt(long id, long atMillis) throws SQLException {
    try (Connection connection = dataSource().getConnection();
        var update =
            connection.prepareStatement(
                "UPDATE domain_event_outbox SET attempts = 1, next_attempt_ms = ? WHERE id = ?")) {
      update.setLong(1, atMillis);
      update.setLong(2, id);
      assertEquals(1, update.executeUpdate());
    }
  }

  void awaitCount(String where, long expected) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    long count;
    while ((count = database().count(where)) != expected && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertEquals(expected, count, where);
  }

  void awaitDeliveries(int expected) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (recorder.deliveries().size() < expected && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
  }

  static List<UUID> ids(List<EventEnvelope> events) {
    List<UUID> ids = new ArrayList<>();
    for (EventEnvelope event : events) {
      ids.add(event.eventId());
    }
    return ids;
  }

  static void assertDistinct(List<EventEnvelope> events) {
    assertEquals(events.size(), new HashSet<>(ids(events)).size());
  }

  /** Thrown by the fault hook where a real relay process would have died. */
  static final class SimulatedCrash extends RuntimeException {
    private static final long serialVersionUID = 1L;

    SimulatedCrash() {
      super("relay killed between send and mark (simulated)");
    }
  }
}
