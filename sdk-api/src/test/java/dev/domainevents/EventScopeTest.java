package dev.domainevents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventScopeTest {
  @Test
  void scopesNestAndRestore() {
    assertNull(EventScope.current());
    try (EventScope outer = EventScope.correlate("outer")) {
      try (EventScope inner = EventScope.correlate("inner")) {
        assertSame(inner, EventScope.current());
      }
      assertSame(outer, EventScope.current());
    }
    assertNull(EventScope.current());
  }

  @Test
  void blankCorrelationIdGeneratesOne() {
    try (EventScope scope = EventScope.correlate(" ")) {
      assertFalse(scope.correlationId().isBlank());
    }
  }

  @Test
  void handlingScopeTakesCausationAndContextFromTheHandledEvent() {
    EventEnvelope handled =
        new EventEnvelope(
            EventIds.next(), "Goods:Shopping", "Goods", "1", "payload",
            Map.of(EventScope.TRACEPARENT, "00-abc-def-01"), Instant.now(), "corr", null, 1);
    try (EventScope scope = EventScope.handling(handled)) {
      assertEquals("corr", scope.correlationId());
      assertEquals(handled.eventId().toString(), scope.causationId());
      assertEquals("00-abc-def-01", scope.traceparent());
    }
  }

  @Test
  void closingOutOfOrderIsAnError() {
    EventScope outer = EventScope.correlate("outer");
    EventScope inner = EventScope.correlate("inner");
    assertThrows(IllegalStateException.class, outer::close);
    inner.close();
    outer.close();
    assertNull(EventScope.current());
  }
}
