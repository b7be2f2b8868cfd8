package dev.domainevents.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.domainevents.Delivery;
import dev.domainevents.DomainEvents;
import dev.domainevents.EventEnvelope;
import dev.domainevents.EventInterceptor.Outcome;
import dev.domainevents.EventInterceptor.Publication;
import dev.domainevents.EventInterceptors;
import dev.domainevents.memory.InMemoryInfra;
import dev.domainevents.micrometer.Fixtures.Goods;
import dev.domainevents.micrometer.Fixtures.GoodsObj;
import dev.domainevents.micrometer.Fixtures.Registry;
import dev.domainevents.micrometer.Fixtures.Store;
import dev.domainevents.spi.Envelopes;
import dev.domainevents.spi.EventCatalog;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DomainEventMetricsTest {
  private final MockClock clock = new MockClock();
  private final MeterRegistry registry = new SimpleMeterRegistry(SimpleConfig.DEFAULT, clock);
  private final DomainEventMetrics metrics = DomainEventMetrics.of(registry);
  private DomainEvents.Installation installation;

  @AfterEach
  void uninstall() {
    if (installation != null) {
      installation.close();
    }
  }

  @Test
  void publishAndHandleOnTheInMemoryInfraMoveTheirTimers() {
    Store store = new Store();
    installation =
        DomainEvents.install(
            new InMemoryInfra(),
            EventCatalog.of(new Registry()),
            EventInterceptors.builder().add(metrics).build(),
            store);
    Goods goods = new Goods(7);
    goods.shopping(2);
    goods.shopping(3);
    DomainEvents.publishAndWait(goods);
    Goods bad = new Goods(8);
    bad.shopping(-1);
    assertThrows(ExecutionException.class, () -> DomainEvents.publish(bad).get());

    assertEquals(
        3,
        timer(
                "domainevents.publish",
                "event",
                "Goods:Shopping",
                "system",
                "memory",
                "destination",
                "Goods:Shopping",
                "outcome",
                "success",
                "exception",
                "none")
            .count());
    assertEquals(
        2,
        timer(
                "domainevents.handle",
                "event",
                "Goods:Shopping",
                "system",
                "memory",
                "destination",
                "Goods:Shopping",
                "outcome",
                "handled",
                "exception",
                "none")
            .count());
    assertEquals(
        1,
        timer(
                "domainevents.handle",
                "event",
                "Goods:Shopping",
                "system",
                "memory",
                "destination",
                "Goods:Shopping",
                "outcome",
                "dead-lettered",
                "exception",
                "IllegalArgumentException")
            .count());
    assertEquals(
        3,
        timer("domainevents.publish.delay", "system", "memory", "destination", "Goods:Shopping")
            .count());
    assertEquals(0.0, registry.get("domainevents.publish.inflight").gauge().value());
    assertEquals(2, store.handled.size());
    assertNoIdsInTags();
  }

  @Test
  void aFailedPublishIsCountedAsAFailureWithItsExceptionAndLeavesNothingInFlight() {
    IllegalStateException broken = new IllegalStateException("broker down");
    CompletableFuture<Void> infra = new CompletableFuture<>();
    CompletableFuture<Void> result = metrics.publish(publication(), envelope -> infra);

    assertEquals(1.0, inFlight());
    clock.add(40, TimeUnit.MILLISECONDS);
    infra.completeExceptionally(broken);

    ExecutionException failed = assertThrows(ExecutionException.class, result::get);
    assertSame(broken, failed.getCause());
    Timer failures =
        timer(
            "domainevents.publish",
            "event",
            "Goods:Shopping",
            "system",
            "kafka",
            "destination",
            "goods",
            "outcome",
            "failure",
            "exception",
            "IllegalStateException");
    assertEquals(1, failures.count());
    assertEquals(40.0, failures.totalTime(TimeUnit.MILLISECONDS));
    assertEquals(0.0, inFlight());
    assertNull(registry.find("domainevents.publish.delay").timer(), "no delay without an ack");
  }

  @Test
  void anInfraThatThrowsIsCountedAndItsExceptionPropagates() {
    IllegalStateException closed = new IllegalStateException("closed");
    IllegalStateException thrown =
        assertThrows(
            IllegalStateException.class,
            () ->
                metrics.publish(
                    publication(),
                    envelope -> {
                      throw closed;
                    }));
    assertSame(closed, thrown);
    assertEquals(
        1,
        timer(
                "domainevents.publish",
                "event",
                "Goods:Shopping",
                "system",
                "kafka",
                "destination",
                "goods",
                "outcome",
                "failure",
                "exception",
                "IllegalStateException")
            .count());
    assertEquals(0.0, inFlight());
  }

  @Test
  void publishTimeRunsToTheAcknowledgementAndDelayFromOccurredAt() throws Exception {
    EventEnvelope event = Envelopes.event(Fixtures.SHOPPING, "7", new GoodsObj(7, 1), Map.of());
    // MockClock's wall time starts at 1 ms after the epoch; put the event 2 s before "now".
    clock.add(5, TimeUnit.SECONDS);
    EventEnvelope raised = withOccurredAt(event, Instant.ofEpochMilli(clock.wallTime() - 2000));
    CompletableFuture<Void> infra = new CompletableFuture<>();
    CompletableFuture<Void> result =
        metrics.publish(new Publication(raised, "kafka", "goods"), envelope -> infra);
    clock.add(250, TimeUnit.MILLISECONDS);
    infra.complete(null);
    result.get();

    Timer publish =
        timer(
            "domainevents.publish",
            "event",
            "Goods:Shopping",
            "system",
            "kafka",
            "destination",
            "goods",
            "outcome",
            "success",
            "exception",
            "none");
    assertEquals(250.0, publish.totalTime(TimeUnit.MILLISECONDS));
    Timer delay = timer("domainevents.publish.delay", "system", "kafka", "destination", "goods");
    assertEquals(2250.0, delay.totalTime(TimeUnit.MILLISECONDS));
  }

  @Test
  void everyOutcomeHasItsTagAndTheHandlersDuration() {
    Delivery delivery =
        Delivery.of(
            Envelopes.event(Fixtures.SHOPPING, "7", new GoodsObj(7, 1), Map.of()),
            2,
            "kafka",
            "goods",
            "shop",
            3,
            41);
    Map<Outcome, String> tags =
        Map.of(
            Outcome.HANDLED, "handled",
            Outcome.RETRIED, "retried",
            Outcome.RETRY_TOPIC, "retry-topic",
            Outcome.DEAD_LETTERED, "dead-lettered",
            Outcome.SKIPPED, "skipped",
            Outcome.DUPLICATE, "duplicate");
    for (Outcome outcome : Outcome.values()) {
      metrics.onOutcome(delivery, outcome, null, TimeUnit.MILLISECONDS.toNanos(5));
    }
    for (Map.Entry<Outcome, String> tag : tags.entrySet()) {
      Timer timer =
          timer(
              "domainevents.handle",
              "event",
              "Goods:Shopping",
              "system",
              "kafka",
              "destination",
              "goods",
              "outcome",
              tag.getValue(),
              "exception",
              "none");
      assertEquals(1, timer.count(), tag.getKey().name());
      assertEquals(5.0, timer.totalTime(TimeUnit.MILLISECONDS), tag.getKey().name());
    }
    assertEquals(Outcome.values().length, registry.find("domainevents.handle").timers().size());
  }

  @Test
  void madeUpEventNamesBeyondTheBoundCountAsOther() {
    for (int i = 0; i < DomainEventMetrics.MAX_EVENT_NAMES + 50; i++) {
      EventEnvelope unknown = Envelopes.message("junk-" + i, null, new byte[0], Map.of());
      metrics.onOutcome(
          Delivery.of(unknown, 1, "kafka", "junk", "shop", 0, i), Outcome.SKIPPED, null, 0);
    }
    long distinct =
        registry.find("domainevents.handle").timers().stream()
            .map(t -> t.getId().getTag("event"))
            .distinct()
            .count();
    assertEquals(DomainEventMetrics.MAX_EVENT_NAMES + 1, distinct);
    assertEquals(
        50,
        timer(
                "domainevents.handle",
                "event",
                "other",
                "system",
                "kafka",
                "destination",
                "junk",
                "outcome",
                "skipped",
                "exception",
                "none")
            .count());
  }

  @Test
  void theExceptionTagIsTheCauseOfAWrapper() {
    assertEquals(
        "IllegalStateException",
        DomainEventMetrics.exceptionTag(new CompletionException(new IllegalStateException())));
    assertEquals("none", DomainEventMetrics.exceptionTag(null));
  }

  private Publication publication() {
    return new Publication(
        Envelopes.event(Fixtures.SHOPPING, "7", new GoodsObj(7, 1), Map.of()), "kafka", "goods");
  }

  private double inFlight() {
    return registry.get("domainevents.publish.inflight").tag("system", "kafka").gauge().value();
  }

  private Timer timer(String name, String... tags) {
    return registry.get(name).tags(tags).timer();
  }

  private void assertNoIdsInTags() {
    for (Meter meter : registry.getMeters()) {
      for (Tag tag : meter.getId().getTags()) {
        assertTrue(
            !tag.getKey().contains("id") && !tag.getValue().matches(".*[0-9a-f]{8}-[0-9a-f]{4}.*"),
            meter.getId().toString());
      }
    }
  }

  private static EventEnvelope withOccurredAt(EventEnvelope e, Instant at) {
    return new EventEnvelope(
        e.eventId(),
        e.name(),
        e.aggregateType(),
        e.aggregateId(),
        e.payload(),
        e.headers(),
        at,
        e.correlationId(),
        e.causationId(),
        e.schemaVersion(),
        e.type());
  }
}
