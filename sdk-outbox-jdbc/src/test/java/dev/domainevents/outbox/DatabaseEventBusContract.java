package dev.domainevents.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.domainevents.Delivery;
import dev.domainevents.EventBatch;
import dev.domainevents.EventEnvelope;
import dev.domainevents.EventInterceptor;
import dev.domainevents.EventInterceptors;
import dev.domainevents.spi.InstalledInfra;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The database event bus: services consume the outbox table on their own, without a broker. */
abstract class DatabaseEventBusContract {
  final JdbcOutbox outbox = JdbcOutbox.create();
  final MutableClock clock = new MutableClock();

  abstract TestDatabase database();

  @BeforeEach
  void clear() throws SQLException {
    database().clear();
  }

  DatabaseEventBus.Builder bus(String service, Recorder handler) {
    return DatabaseEventBus.builder(database().dataSource(), outbox, service)
        .catalog(Goods.CATALOG)
        .handlers(handler)
        .clock(clock)
        .retryStrategy(RetryStrategy.interval(3, Duration.ofMinutes(1)));
  }

  List<EventEnvelope> sellAndCommit(int times, Goods... goods) throws SQLException {
    List<EventEnvelope> raised = new ArrayList<>();
    outbox.inTransaction(
        database().dataSource(),
        connection -> {
          for (int i = 0; i < times; i++) {
            for (Goods g : goods) {
              g.sell();
            }
          }
          raised.addAll(EventBatch.of(InstalledInfra.catalogIfInstalled(), goods).events());
          return outbox.write(connection, goods);
        });
    return raised;
  }

  @Test
  void servicesConsumeIndependentlyWithTheirOwnRetries() throws Exception {
    Recorder billing = new Recorder();
    Recorder shipping = new Recorder();
    DatabaseEventBus billingBus = bus("billing", billing).build();
    DatabaseEventBus shippingBus = bus("shipping", shipping).build();
    Goods apple = new Goods("apple");
    Goods pear = new Goods("pear");
    List<EventEnvelope> raised = sellAndCommit(2, apple, pear);
    UUID appleFirst = raised.get(0).eventId();
    billing.failWhen(context -> context.eventId().equals(appleFirst) && context.attempt() < 2);

    assertEquals(4, shippingBus.pollOnce());
    assertEquals(2, billingBus.pollOnce(), "pear's events go; apple's second waits behind");
    assertEquals(raised, shipping.deduped(), "the other service is not affected");

    assertEquals(0, billingBus.pollOnce(), "not before the retry interval");
    clock.advance(Duration.ofMinutes(1));
    assertEquals(2, billingBus.pollOnce());
    assertEquals(2, billing.assertOrderPerAggregate());
    assertEquals(4, billing.deduped().size());
    assertEquals(2, billing.calls(appleFirst));
    assertEquals(0, billingBus.pollOnce());
    assertEquals(4, shipping.deliveries().size(), "nothing delivered twice");
  }

  @Test
  void anEventThatUsesUpItsAttemptsIsKeptAsFailedAndCanBeRequeued() throws Exception {
    Recorder billing = new Recorder();
    DatabaseEventBus billingBus = bus("billing", billing).build();
    Goods apple = new Goods("apple");
    List<EventEnvelope> raised = sellAndCommit(2, apple);
    UUID first = raised.get(0).eventId();
    billing.failWhen(context -> context.eventId().equals(first));

    billingBus.pollOnce();
    for (int i = 0; i < 5; i++) {
      clock.advance(Duration.ofMinutes(1));
      billingBus.pollOnce();
    }
    assertEquals(3, billing.calls(first), "exactly the three configured attempts");
    List<FailedEvent> failed = billingBus.failures(10);
    assertEquals(1, failed.size());
    assertEquals(first, failed.get(0).eventId());
    assertEquals(3, failed.get(0).attempts());
    assertTrue(failed.get(0).reason().contains("handler failed (simulated)"));
    assertEquals(
        List.of(raised.get(1).eventId()),
        OutboxContract.ids(billing.deduped()),
        "a failed event no longer holds its aggregate back");

    billing.failWhen(context -> false);
    assertTrue(billingBus.requeue(first));
    assertEquals(1, billingBus.pollOnce());
    assertEquals(List.of(), billingBus.failures(10));
    assertEquals(2, billing.deduped().size());
  }

  @Test
  void interceptorsSeeEachAttemptAndItsOutcome() throws Exception {
    Recorder billing = new Recorder();
    List<String> seen = new ArrayList<>();
    EventInterceptor recorder =
        new EventInterceptor() {
          @Override
          public void onOutcome(Delivery delivery, Outcome outcome, Throwable cause, long nanos) {
            seen.add(
                delivery.system()
                    + " "
                    + delivery.destination()
                    + " "
                    + delivery.consumerGroup()
                    + " attempt "
                    + delivery.attempt()
                    + " "
                    + outcome);
          }
        };
    DatabaseEventBus billingBus =
        bus("billing", billing)
            .interceptors(EventInterceptors.builder().add(recorder).build())
            .build();
    UUID event = sellAndCommit(1, new Goods("apple")).get(0).eventId();
    billing.failWhen(context -> context.eventId().equals(event));

    billingBus.pollOnce();
    for (int i = 0; i < 2; i++) {
      clock.advance(Duration.ofMinutes(1));
      billingBus.pollOnce();
    }

    assertEquals(
        List.of(
            "jdbc domain_event_outbox billing attempt 1 RETRIED",
            "jdbc domain_event_outbox billing attempt 2 RETRIED",
            "jdbc domain_event_outbox billing attempt 3 DEAD_LETTERED"),
        seen);
    billing.failWhen(context -> false);
    assertTrue(billingBus.requeue(event));
    assertEquals(1, billingBus.pollOnce());
    assertEquals("jdbc domain_event_outbox billing attempt 1 HANDLED", seen.get(3));
  }

  @Test
  void aServiceCanGiveUpAFailedEventWithoutAffectingTheOthers() throws Exception {
    Recorder billing = new Recorder();
    Recorder shipping = new Recorder();
    DatabaseEventBus billingBus =
        bus("billing", billing).retryStrategy(RetryStrategy.limit(1)).build();
    DatabaseEventBus shippingBus = bus("shipping", shipping).build();
    UUID event = sellAndCommit(1, new Goods("apple")).get(0).eventId();
    billing.failWhen(context -> true);

    assertEquals(0, billingBus.pollOnce());
    assertEquals(1, billingBus.failures(10).size());
    assertTrue(billingBus.deleteFailure(event));
    assertFalse(billingBus.deleteFailure(event), "already deleted");
    assertEquals(List.of(), billingBus.failures(10));
    assertFalse(billingBus.requeue(event), "nothing left to requeue");
    billing.failWhen(context -> false);
    assertEquals(0, billingBus.pollOnce(), "given up: not delivered again");

    assertEquals(1, shippingBus.pollOnce(), "the other service still gets the event");
    assertEquals(List.of(event), OutboxContract.ids(shipping.deduped()));
  }

  @Test
  void aServiceAddedLaterStartsFromTheBeginningOrFromNowAsConfigured() throws Exception {
    List<EventEnvelope> old = sellAndCommit(3, new Goods("apple"));
    try (Connection connection = database().dataSource().getConnection();
        Statement statement = connection.createStatement()) {
      // A month old: there is no horizon.
      statement.executeUpdate(
          "UPDATE domain_event_outbox SET created_at_ms = 0, occurred_at_ms = 0");
    }
    Recorder billing = new Recorder();
    assertEquals(3, bus("billing", billing).build().pollOnce());

    Recorder audit = new Recorder();
    Recorder metrics = new Recorder();
    DatabaseEventBus auditBus = bus("audit", audit).build();
    DatabaseEventBus metricsBus =
        bus("metrics", metrics).startFrom(DatabaseEventBus.StartPosition.NOW).build();
    assertEquals(3, auditBus.pollOnce());
    assertEquals(0, metricsBus.pollOnce());
    assertEquals(OutboxContract.ids(old), OutboxContract.ids(audit.deduped()));

    List<EventEnvelope> fresh = sellAndCommit(2, new Goods("pear"));
    assertEquals(2, metricsBus.pollOnce());
    assertEquals(OutboxContract.ids(fresh), OutboxContract.ids(metrics.deduped()));
  }

  @Test
  void twoInstancesOfOneServiceHandleEachEventOnceInOrder() throws Exception {
    Recorder billing = new Recorder();
    int total = 2_000;
    Goods[] goods = new Goods[20];
    for (int i = 0; i < goods.length; i++) {
      goods[i] = new Goods("sku-" + i);
    }
    try (DatabaseEventBus first =
            bus("billing", billing).batchSize(50).pollInterval(Duration.ofMillis(20)).build();
        DatabaseEventBus second =
            bus("billing", billing).batchSize(50).pollInterval(Duration.ofMillis(20)).build()) {
      first.start();
      second.start();
      for (int t = 0; t < total / 10; t++) {
        sellAndCommit(5, goods[t % goods.length], goods[(t * 7 + 3) % goods.length]);
      }
      assertEquals(total, billing.awaitDistinct(total, Duration.ofSeconds(30)).size());
    }
    assertEquals(total, billing.deliveries().size(), "no event handled twice");
    assertEquals(goods.length, billing.assertOrderPerAggregate());
  }

  @Test
  void aTransactionThatCommitsLateIsNotSkipped() throws Exception {
    Recorder billing = new Recorder();
    DatabaseEventBus billingBus = bus("billing", billing).build();
    Goods early = new Goods("early");
    early.sell();
    try (Connection slow = database().dataSource().getConnection()) {
      slow.setAutoCommit(false);
      outbox.write(slow, early); // takes the smaller id, commits last
      List<EventEnvelope> quick = sellAndCommit(1, new Goods("quick"));
      assertEquals(1, billingBus.pollOnce());
      assertEquals(OutboxContract.ids(quick), OutboxContract.ids(billing.deduped()));
      slow.commit();
    }
    assertEquals(1, billingBus.pollOnce(), "the late commit is consumed, not skipped");
    assertEquals(2, billing.deduped().size());
  }

  @Test
  void cleanerKeepsWhatSomeServiceStillNeeds() throws Exception {
    Recorder billing = new Recorder();
    Recorder shipping = new Recorder();
    DatabaseEventBus billingBus = bus("billing", billing).build();
    DatabaseEventBus shippingBus = bus("shipping", shipping).batchSize(2).build();
    List<EventEnvelope> raised = sellAndCommit(3, new Goods("apple"), new Goods("pear"));
    UUID poison = raised.get(5).eventId();
    billing.failWhen(context -> context.eventId().equals(poison));
    assertEquals(5, billingBus.pollOnce());
    assertEquals(2, shippingBus.pollOnce());
    OutboxCleaner cleaner =
        OutboxCleaner.builder(database().dataSource())
            .relayed(false)
            .consumedByBus(true)
            .retention(Duration.ZERO)
            .clock(clock)
            .build();
    clock.advance(Duration.ofMillis(1));
    assertEquals(2, cleaner.deleteExpired(), "only what the slowest service consumed");
    shippingBus.pollOnce();
    shippingBus.pollOnce();
    assertEquals(6, shipping.deduped().size());
    assertEquals(3, cleaner.deleteExpired(), "all but the event billing still retries");
    for (int i = 0; i < 3; i++) {
      clock.advance(Duration.ofMinutes(1));
      billingBus.pollOnce();
    }
    assertEquals(1, billingBus.failures(10).size(), "failed events keep their row");
    assertEquals(0, cleaner.deleteExpired());
  }
}
