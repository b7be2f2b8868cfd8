package dev.domainevents.test.contract;

import static dev.domainevents.test.contract.ContractFixtures.SHOPPING;
import static dev.domainevents.test.contract.ContractFixtures.await;
import static dev.domainevents.test.contract.ContractFixtures.drain;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.domainevents.EventEnvelope;
import dev.domainevents.EventScope;
import dev.domainevents.spi.DedupeStore;
import dev.domainevents.spi.DomainEventInfra;
import dev.domainevents.spi.Envelopes;
import dev.domainevents.spi.EventCatalog;
import dev.domainevents.spi.EventDispatcher;
import dev.domainevents.test.contract.ContractFixtures.Goods;
import dev.domainevents.test.contract.ContractFixtures.GoodsObj;
import dev.domainevents.test.contract.ContractFixtures.RecordingHandler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What every infra does, the in-memory one included: envelopes arrive whole, and many events over
 * many aggregates are each handled once, in order per aggregate where the infra promises it.
 * Implement the hooks in a test class; {@link InfraContract} adds what brokers do on failure.
 */
public interface DeliveryContract {
  /**
   * Starts an infra instance with {@code handler} subscribed and {@code catalog} installed. Two
   * calls in one test start two instances of one service (one consumer group, one queue); the
   * contract closes what it starts. {@code dedupe} is shared by the instances of one test.
   */
  DomainEventInfra startInfra(EventCatalog catalog, DedupeStore dedupe, EventDispatcher handler)
      throws Exception;

  /** How many instances the volume test starts; 1 for an infra that has no broker between them. */
  default int consumerInstances() {
    return 2;
  }

  /** Whether this infra hands one aggregate's events to handlers in the order they were raised. */
  default boolean keepsOrderPerAggregate() {
    return true;
  }

  /** A bound on every wait; generous, since CI machines have two cores shared with the broker. */
  default Duration patience() {
    return Duration.ofSeconds(120);
  }

  @Test
  @SuppressWarnings("try") // scopes are opened for their effect
  default void everyEnvelopeFieldRoundTrips() throws Exception {
    EventCatalog catalog = ContractFixtures.newCatalog();
    RecordingHandler handler = new RecordingHandler();
    try (DomainEventInfra infra = startInfra(catalog, DedupeStore.create(), handler)) {
      Goods goods = new Goods(42);
      EventEnvelope parent;
      try (EventScope scope =
          EventScope.correlate(
              "corr-7", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")) {
        parent = Envelopes.event(SHOPPING, "1", new GoodsObj(1, "p", 1, 0), Map.of());
        try (Envelopes.Scope handling = Envelopes.handling(parent)) {
          goods.shopping(3);
        }
      }
      List<EventEnvelope> raised = drain(catalog, goods);
      infra.publish(raised).get(patience().toMillis(), TimeUnit.MILLISECONDS);

      await(patience(), "the event", () -> handler.handled.size() == 1);
      EventEnvelope received = handler.handled.get(0).envelope();
      assertEquals(raised.get(0), received, "every field: ids, payload, headers, occurredAt...");
      assertEquals("corr-7", received.correlationId());
      assertEquals(parent.eventId().toString(), received.causationId());
      assertEquals("buy", received.header("x-action"));
      assertEquals(1, handler.handled.get(0).attempt());
    }
  }

  @Test
  default void manyEventsOverManyAggregatesAreHandledOnceAndInOrderPerAggregate() throws Exception {
    int aggregates = 50;
    int eventsEach = 40;
    EventCatalog catalog = ContractFixtures.newCatalog();
    DedupeStore dedupe = DedupeStore.create();
    Map<UUID, Integer> callsPerEvent = new ConcurrentHashMap<>();
    Map<Long, List<Integer>> sequences = new ConcurrentHashMap<>();
    List<DomainEventInfra> instances = new ArrayList<>();
    try {
      for (int i = 0; i < consumerInstances(); i++) {
        instances.add(
            startInfra(
                catalog,
                dedupe,
                new RecordingHandler(
                    (envelope, attempt) -> {
                      callsPerEvent.merge(envelope.eventId(), 1, Integer::sum);
                      GoodsObj goods = (GoodsObj) envelope.payload();
                      sequences
                          .computeIfAbsent(
                              goods.id(), id -> Collections.synchronizedList(new ArrayList<>()))
                          .add(goods.sequence());
                    })));
      }
      Goods[] goods = new Goods[aggregates];
      for (int i = 0; i < aggregates; i++) {
        goods[i] = new Goods(1_000 + i);
      }
      for (int round = 0; round < eventsEach; round++) {
        for (Goods g : goods) {
          g.shopping(1);
        }
        instances
            .get(0)
            .publish(drain(catalog, goods))
            .get(patience().toMillis(), TimeUnit.MILLISECONDS);
      }
      int total = aggregates * eventsEach;
      await(patience(), total + " events", () -> callsPerEvent.size() == total);
      Thread.sleep(300); // a late duplicate would show up now
    } finally {
      for (DomainEventInfra instance : instances) {
        instance.close();
      }
    }
    assertEquals(
        List.of(),
        callsPerEvent.entrySet().stream().filter(e -> e.getValue() != 1).toList(),
        "each event handled exactly once");
    assertEquals(aggregates, sequences.size());
    List<Integer> expected = new ArrayList<>();
    for (int i = 0; i < eventsEach; i++) {
      expected.add(i);
    }
    for (Map.Entry<Long, List<Integer>> aggregate : sequences.entrySet()) {
      List<Integer> seen = aggregate.getValue();
      synchronized (seen) {
        if (keepsOrderPerAggregate()) {
          assertEquals(expected, seen, "order of goods " + aggregate.getKey());
        } else {
          assertEquals(Set.copyOf(expected), Set.copyOf(seen), "goods " + aggregate.getKey());
        }
      }
    }
  }
}
