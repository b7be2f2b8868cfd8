package dev.domainevents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.domainevents.Fixtures.Goods;
import org.junit.jupiter.api.Test;

class EventScopeTest {
  @Test
  void scopesNestAndRestore() {
    Goods goods = new Goods(1);
    try (EventScope outer = EventScope.correlate("outer")) {
      try (EventScope inner = EventScope.correlate("inner")) {
        goods.shopping(1);
      }
      goods.shopping(2);
    }
    goods.shopping(3);
    assertEquals("inner", goods.pendingEvents().get(0).correlationId());
    assertEquals("outer", goods.pendingEvents().get(1).correlationId());
    EventEnvelope root = goods.pendingEvents().get(2);
    assertEquals(root.eventId().toString(), root.correlationId(), "no scope is left open");
  }

  @Test
  void blankCorrelationIdGeneratesOne() {
    try (EventScope scope = EventScope.correlate(" ")) {
      assertFalse(scope.correlationId().isBlank());
      assertNull(scope.causationId());
    }
  }

  @Test
  void closingOutOfOrderIsAnError() {
    Goods goods = new Goods(1);
    EventScope outer = EventScope.correlate("outer");
    EventScope inner = EventScope.correlate("inner");
    assertThrows(IllegalStateException.class, outer::close);
    inner.close();
    outer.close();
    outer.close(); // twice: no further effect
    goods.shopping(1);
    assertNull(goods.pendingEvents().get(0).causationId());
    assertEquals(
        goods.pendingEvents().get(0).eventId().toString(),
        goods.pendingEvents().get(0).correlationId());
  }
}
