package dev.domainevents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class EventContextTest {
  private final EventEnvelope envelope =
      new EventEnvelope(
          UUID.fromString("01890a5d-ac96-774b-bcce-b302099a8057"),
          "Goods:Shopping",
          "Goods",
          "7",
          "payload",
          Map.of("tenant", "acme"),
          Instant.EPOCH,
          "correlation",
          "cause",
          1);

  @Test
  void aFirstDeliverysContextIsTheEnvelopeItself() {
    EventContext context = EventContext.of(envelope);
    assertSame(envelope, context);
    assertSame(envelope, context.envelope());
    assertEquals(1, context.attempt());
    assertEquals(envelope.eventId(), context.eventId());
    assertEquals("Goods:Shopping", context.name());
    assertEquals("correlation", context.correlationId());
    assertEquals("cause", context.causationId());
    assertEquals("acme", context.header("tenant"));
    assertEquals(Map.of("tenant", "acme"), context.headers());
  }

  @Test
  void aLaterAttemptsContextCarriesItsAttempt() {
    EventContext context = EventContext.of(envelope, 3);
    assertSame(envelope, context.envelope());
    assertEquals(3, context.attempt());
    assertEquals("Goods:Shopping", context.name());
    assertThrows(IllegalArgumentException.class, () -> EventContext.of(envelope, 0));
  }
}
