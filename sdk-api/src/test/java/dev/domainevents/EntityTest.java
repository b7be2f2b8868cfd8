package dev.domainevents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.domainevents.Fixtures.Goods;
import dev.domainevents.Fixtures.GoodsObj;
import dev.domainevents.Fixtures.Restocked;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EntityTest {
  @Test
  void raisedEventsAreBufferedInOrderUntilDrained() {
    Goods goods = new Goods(7);
    goods.shopping(2);
    goods.restock();
    goods.shopping(3);

    List<EventEnvelope> pending = goods.pendingEvents();
    assertEquals(3, pending.size());
    assertEquals("Goods:Shopping", pending.get(0).name());
    assertEquals(new GoodsObj(7, 2), pending.get(0).payload());
    assertEquals("Goods:Restock", pending.get(1).name());
    assertEquals(new Restocked(7), pending.get(1).payload());
    assertEquals(new GoodsObj(7, 3), pending.get(2).payload());

    List<EventEnvelope> drained = DomainEvents.drain(goods);
    assertEquals(pending, drained);
    assertTrue(goods.pendingEvents().isEmpty(), "drain clears the buffer");
    assertTrue(DomainEvents.drain(goods).isEmpty(), "a second drain finds nothing");
  }

  @Test
  void envelopeCarriesIdentityHeadersAndAggregateType() {
    Goods goods = new Goods(42);
    goods.shopping(1);
    EventEnvelope event = goods.pendingEvents().get(0);

    assertEquals("Goods", event.aggregateType());
    assertEquals("42", event.aggregateId());
    assertEquals(Map.of("x-action", "buy"), event.headers());
    assertEquals(7, event.eventId().version());
    assertEquals(EventIds.timestampMillis(event.eventId()), event.occurredAt().toEpochMilli());
    assertEquals(1, event.schemaVersion());
  }

  @Test
  void outsideAnyScopeAnEventCorrelatesToItself() {
    Goods goods = new Goods(1);
    goods.shopping(1);
    EventEnvelope event = goods.pendingEvents().get(0);
    assertEquals(event.eventId().toString(), event.correlationId());
    assertNull(event.causationId());
  }

  @Test
  void correlationScopeAppliesToEveryEventRaisedWithinIt() {
    Goods goods = new Goods(1);
    try (EventScope scope = EventScope.correlate("req-1", "00-trace-span-01")) {
      goods.shopping(1);
      goods.restock();
    }
    goods.shopping(1);

    List<EventEnvelope> events = goods.pendingEvents();
    assertEquals("req-1", events.get(0).correlationId());
    assertEquals("req-1", events.get(1).correlationId());
    assertEquals("00-trace-span-01", events.get(0).header(EventScope.TRACEPARENT));
    assertEquals("buy", events.get(0).header("x-action"), "user headers are kept");
    assertEquals(events.get(2).eventId().toString(), events.get(2).correlationId());
  }

  @Test
  void typedConstantCarriesItsSchemaVersion() {
    Goods goods = new Goods(1);
    goods.restock();
    assertEquals(1, goods.pendingEvents().get(0).schemaVersion());
  }

  @Test
  void malformedNamesAreRejectedAtRaiseTime() {
    Raiser raiser = new Raiser();
    for (String name : List.of("Shopping", ":Shopping", "Goods:", "")) {
      var error = assertThrows(IllegalArgumentException.class, () -> raiser.raise(name));
      assertTrue(error.getMessage().contains("Entity:Method"), error.getMessage());
    }
    assertTrue(raiser.pendingEvents().isEmpty(), "a rejected event is not buffered");
  }

  private static final class Raiser extends Entity {
    void raise(String name) {
      domainEvent(name, "payload");
    }

    @Override
    public String identity() {
      return "1";
    }
  }

  @Test
  void nullIdentityIsAClearError() {
    Entity entity =
        new Entity() {
          @Override
          public String identity() {
            return null;
          }

          {
            var error =
                assertThrows(IllegalStateException.class, () -> domainEvent("X:Y", "payload"));
            assertTrue(error.getMessage().contains("identity() returned null"), error.getMessage());
          }
        };
    assertTrue(entity.pendingEvents().isEmpty());
  }
}
