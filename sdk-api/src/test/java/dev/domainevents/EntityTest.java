package dev.domainevents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
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

    EventBatch batch = EventBatch.of(null, goods);
    assertEquals(pending, batch.events());
    batch.clear();
    assertTrue(goods.pendingEvents().isEmpty(), "a cleared batch clears the buffer");
    assertTrue(EventBatch.of(null, goods).isEmpty(), "a second batch finds nothing");
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
    long idMillis = event.eventId().getMostSignificantBits() >>> 16; // UUIDv7's timestamp
    assertEquals(idMillis, event.occurredAt().toEpochMilli());
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
  void typedConstantCarriesItsSchemaVersionAndType() {
    Goods goods = new Goods(1);
    goods.restock();
    goods.shopping(1);
    EventEnvelope restock = goods.pendingEvents().get(0);
    assertEquals(1, restock.schemaVersion());
    assertSame(Fixtures.GoodsEvents.RESTOCK, restock.type(), "raised through the constant");
    assertNull(goods.pendingEvents().get(1).type(), "raised by name: not looked up at raise time");
  }

  @Test
  void malformedNamesAreRejectedAtRaiseTime() {
    Raiser raiser = new Raiser();
    for (String name : List.of("Shopping", ":Shopping", "Goods:", "", "Goods:Shop$ping")) {
      var error = assertThrows(IllegalArgumentException.class, () -> raiser.raise(name));
      assertTrue(error.getMessage().startsWith("illegal event name: "), error.getMessage());
    }
    assertTrue(raiser.pendingEvents().isEmpty(), "a rejected event is not buffered");
  }

  @Test
  void aLowerCaseActionIsIllegalAtRunTimeAsAtCompileTime() {
    Raiser raiser = new Raiser();
    var error = assertThrows(IllegalArgumentException.class, () -> raiser.raise("Goods:shopping"));
    assertEquals(
        "illegal event name: \"Goods:shopping\": the action after ':' must start with an"
            + " upper-case ASCII letter, e.g. Goods:Shopping",
        error.getMessage());
    assertTrue(raiser.pendingEvents().isEmpty());
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
