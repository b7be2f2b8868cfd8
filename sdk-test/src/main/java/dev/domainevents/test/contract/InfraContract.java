package dev.domainevents.test.contract;

import static dev.domainevents.test.contract.ContractFixtures.await;
import static dev.domainevents.test.contract.ContractFixtures.drain;
import static dev.domainevents.test.contract.ContractFixtures.goodsId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.domainevents.EventContext;
import dev.domainevents.EventEnvelope;
import dev.domainevents.EventType;
import dev.domainevents.spi.DedupeStore;
import dev.domainevents.spi.DomainEventInfra;
import dev.domainevents.spi.EventCatalog;
import dev.domainevents.test.contract.ContractFixtures.Goods;
import dev.domainevents.test.contract.ContractFixtures.RecordingHandler;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What every broker-backed infra does, written once and run against each (Kafka, AMQP): {@link
 * DeliveryContract}, plus retries in place, dead letters for a handler that always fails and for
 * poison, and a consumer that goes on after either. A subclass starts instances configured to retry
 * {@link #IN_PLACE_ATTEMPTS} times in place with short delays, and reads its dead letters.
 */
public abstract class InfraContract implements DeliveryContract {
  /** The in-place attempts a subclass configures; at least 3, so a handler may fail twice. */
  protected static final int IN_PLACE_ATTEMPTS = 3;

  /** A dead-lettered record or message: the event id it carried and the reason header. */
  public record DeadLetter(String eventId, String reason) {}

  /** Creates the contract; a subclass is a JUnit test class. */
  protected InfraContract() {}

  /**
   * Publishes, outside the infra, a record of {@code type} with every envelope header set (event id
   * {@code eventId}, aggregate {@code aggregateId}) whose body is not JSON.
   */
  protected abstract void publishInvalidJson(EventType<?> type, String aggregateId, UUID eventId)
      throws Exception;

  /**
   * Reads the first {@code count} dead letters of {@code type}'s events for the service the
   * instances run as, waiting at most {@code wait}; fails if fewer arrive.
   */
  protected abstract List<DeadLetter> deadLetters(EventType<?> type, int count, Duration wait)
      throws Exception;

  @Test
  void aHandlerThatFailsTwiceThenSucceedsIsRetriedInPlace() throws Exception {
    EventCatalog catalog = ContractFixtures.newCatalog();
    RecordingHandler handler =
        new RecordingHandler(
            (envelope, attempt) -> {
              if (attempt < 3) {
                throw new IllegalStateException("attempt " + attempt);
              }
            });
    try (DomainEventInfra infra = startInfra(catalog, DedupeStore.create(), handler)) {
      Goods goods = new Goods(5);
      goods.shopping(1);
      publish(infra, drain(catalog, goods));
      await(patience(), "the third attempt", () -> handler.handled.size() == 1);
      assertEquals(List.of(1, 2, 3), handler.calls.stream().map(EventContext::attempt).toList());
    }
  }

  @Test
  void aHandlerThatAlwaysFailsDeadLettersTheEventAndLaterEventsAreHandled() throws Exception {
    EventCatalog catalog = ContractFixtures.newCatalog();
    RecordingHandler handler =
        new RecordingHandler(
            (envelope, attempt) -> {
              if (((ContractFixtures.GoodsObj) envelope.payload()).id() == 666) {
                throw new IllegalStateException("cannot handle 666");
              }
            });
    try (DomainEventInfra infra = startInfra(catalog, DedupeStore.create(), handler)) {
      Goods bad = new Goods(666);
      Goods good = new Goods(1);
      bad.shopping(1);
      good.shopping(1);
      List<EventEnvelope> events = drain(catalog, bad, good);
      publish(infra, events);

      List<DeadLetter> dead = deadLetters(type(catalog), 1, patience());
      assertEquals(
          List.of(new DeadLetter(events.get(0).eventId().toString(), "handler-failed")), dead);
      assertTrue(
          handler.calls.stream().filter(c -> goodsId(c) == 666).count() >= IN_PLACE_ATTEMPTS,
          "retried in place before dead-lettering");
      await(patience(), "the good event", () -> handledOf(handler, 1) == 1);

      good.shopping(2);
      publish(infra, drain(catalog, good));
      await(patience(), "a later event", () -> handledOf(handler, 1) == 2);
      assertEquals(0, handledOf(handler, 666));
    }
  }

  @Test
  void poisonGoesToTheDeadLettersAndTheConsumerGoesOn() throws Exception {
    EventCatalog catalog = ContractFixtures.newCatalog();
    RecordingHandler handler = new RecordingHandler();
    try (DomainEventInfra infra = startInfra(catalog, DedupeStore.create(), handler)) {
      UUID poisonId = UUID.randomUUID();
      publishInvalidJson(type(catalog), "9", poisonId);
      Goods goods = new Goods(9);
      goods.shopping(1);
      publish(infra, drain(catalog, goods));

      await(patience(), "the valid event after the poison", () -> handler.handled.size() == 1);
      assertEquals(
          List.of(new DeadLetter(poisonId.toString(), "invalid-json")),
          deadLetters(type(catalog), 1, patience()));
      assertEquals(1, handler.calls.size(), "poison never reaches a handler");
    }
  }

  private void publish(DomainEventInfra infra, List<EventEnvelope> events) throws Exception {
    infra.publish(events).get(patience().toMillis(), TimeUnit.MILLISECONDS);
  }

  private static EventType<?> type(EventCatalog catalog) {
    return catalog.require(ContractFixtures.SHOPPING);
  }

  private static long handledOf(RecordingHandler handler, long goodsId) {
    return handler.handled.stream().filter(c -> goodsId(c) == goodsId).count();
  }
}
