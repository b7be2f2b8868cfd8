package dev.domainevents.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.domainevents.EventEnvelope;
import dev.domainevents.EventScope;
import dev.domainevents.EventType;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvelopesTest {
  private static final EventType<String> SHIPPED =
      EventType.of("Parcel:Shipped", String.class, "parcel.shipped", 4);

  @Test
  void anEventByNameHasVersionOneAndNoTypeYet() {
    EventEnvelope event = Envelopes.event("Parcel:Shipped", "p-1", "box", Map.of("x", "y"));
    assertEquals("Parcel:Shipped", event.name());
    assertEquals("Parcel", event.aggregateType());
    assertEquals("p-1", event.aggregateId());
    assertEquals(Map.of("x", "y"), event.headers());
    assertEquals(1, event.schemaVersion());
    assertNull(event.type());
    assertEquals(7, event.eventId().version());
    assertEquals(EventIds.timestampMillis(event.eventId()), event.occurredAt().toEpochMilli());
    assertEquals(event.eventId().toString(), event.correlationId(), "a root correlates to itself");
    assertNull(event.causationId());
  }

  @Test
  void anEventOfATypeKeepsTheTypeAndItsVersion() {
    EventEnvelope event = Envelopes.event(SHIPPED, "p-1", "box", Map.of());
    assertSame(SHIPPED, event.type());
    assertEquals(4, event.schemaVersion());
    assertEquals("Parcel", event.aggregateType());
  }

  @Test
  void theTypeIsACacheOutsideEquality() {
    EventEnvelope typed = Envelopes.event(SHIPPED, "p-1", "box", Map.of());
    EventEnvelope untyped =
        new EventEnvelope(
            typed.eventId(),
            typed.name(),
            typed.aggregateType(),
            typed.aggregateId(),
            typed.payload(),
            typed.headers(),
            typed.occurredAt(),
            typed.correlationId(),
            typed.causationId(),
            typed.schemaVersion());
    assertEquals(typed, untyped);
    assertEquals(typed.hashCode(), untyped.hashCode());
    assertEquals(typed.toString(), untyped.toString());
    assertNull(typed.withSchemaVersion(5).type(), "another version is another type");
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new EventEnvelope(
                typed.eventId(),
                "Parcel:Lost",
                "Parcel",
                "p-1",
                "box",
                Map.of(),
                typed.occurredAt(),
                "c",
                null,
                4,
                SHIPPED));
  }

  @Test
  void aMessageIsNamedByItsTopic() {
    EventEnvelope message = Envelopes.message("parcel-labels", null, "label", Map.of());
    assertEquals("parcel-labels", message.name());
    assertEquals("", message.aggregateType());
    assertNull(message.aggregateId());
    assertEquals(1, message.schemaVersion());
    assertNull(message.type());
    var error =
        assertThrows(
            IllegalArgumentException.class,
            () -> Envelopes.message("parcel labels", "k", "label", Map.of()));
    assertTrue(error.getMessage().contains("' '"), error.getMessage());
  }

  @Test
  void illegalEventNamesAreRejected() {
    var error =
        assertThrows(
            IllegalArgumentException.class,
            () -> Envelopes.event("Parcel:shipped", "p-1", "box", Map.of()));
    assertTrue(error.getMessage().startsWith("illegal event name: "), error.getMessage());
  }

  @Test
  void messagesAndEventsTakeTheScopeAlike() {
    try (EventScope scope = EventScope.correlate("req-1", "00-trace-span-01")) {
      EventEnvelope event = Envelopes.event("Parcel:Shipped", "p-1", "box", Map.of());
      EventEnvelope message =
          Envelopes.message("parcel-labels", "k", "label", Map.of("traceparent", "mine"));
      assertEquals("req-1", event.correlationId());
      assertEquals("00-trace-span-01", event.header(EventScope.TRACEPARENT));
      assertEquals("req-1", message.correlationId());
      assertEquals("mine", message.header(EventScope.TRACEPARENT), "the caller's header wins");
    }
  }

  @Test
  void aHandlingScopeTakesCausationCorrelationAndTraceFromTheHandledEvent() {
    EventEnvelope handled =
        Envelopes.event(SHIPPED, "p-1", "box", Map.of(EventScope.TRACEPARENT, "00-abc-def-01"));
    try (Envelopes.Scope scope = Envelopes.handling(handled)) {
      assertEquals(handled.correlationId(), scope.correlationId());
      assertEquals(handled.eventId().toString(), scope.causationId());
      EventEnvelope caused = Envelopes.message("parcel-labels", "k", "label", Map.of());
      assertEquals(handled.correlationId(), caused.correlationId());
      assertEquals(handled.eventId().toString(), caused.causationId());
      assertEquals("00-abc-def-01", caused.header(EventScope.TRACEPARENT));
    }
    assertNull(Envelopes.message("parcel-labels", "k", "label", Map.of()).causationId());
  }

  @Test
  void aHandlingScopeCarriesTheWholeTraceContextOn() {
    EventEnvelope handled =
        Envelopes.event(
            SHIPPED,
            "p-1",
            "box",
            Map.of(
                EventScope.TRACEPARENT, "00-abc-def-01",
                EventScope.TRACESTATE, "vendor=1",
                EventScope.BAGGAGE, "tenant=acme"));
    try (Envelopes.Scope scope = Envelopes.handling(handled)) {
      EventEnvelope caused = Envelopes.message("parcel-labels", "k", "label", Map.of());
      assertEquals("00-abc-def-01", caused.header(EventScope.TRACEPARENT));
      assertEquals("vendor=1", caused.header(EventScope.TRACESTATE));
      assertEquals("tenant=acme", caused.header(EventScope.BAGGAGE));
    }
  }

  @Test
  void aTraceScopeReplacesTheTraceContextAndKeepsTheIdsOfTheScopeItIsNestedIn() {
    EventEnvelope handled =
        Envelopes.event(
            SHIPPED,
            "p-1",
            "box",
            Map.of(EventScope.TRACEPARENT, "00-abc-def-01", EventScope.TRACESTATE, "old=1"));
    try (Envelopes.Scope handling = Envelopes.handling(handled)) {
      try (EventScope trace =
          EventScope.trace(
              Map.of(EventScope.TRACEPARENT, "00-abc-span-01", EventScope.BAGGAGE, "k=v"))) {
        assertEquals(handled.correlationId(), trace.correlationId());
        assertEquals(handled.eventId().toString(), trace.causationId());
        EventEnvelope caused = Envelopes.event(SHIPPED, "p-2", "box", Map.of());
        assertEquals("00-abc-span-01", caused.header(EventScope.TRACEPARENT));
        assertNull(caused.header(EventScope.TRACESTATE), "the old trace's state does not follow");
        assertEquals("k=v", caused.header(EventScope.BAGGAGE));
        assertEquals(handled.correlationId(), caused.correlationId());
        assertEquals(handled.eventId().toString(), caused.causationId());
        EventEnvelope own =
            Envelopes.event(SHIPPED, "p-3", "box", Map.of(EventScope.TRACEPARENT, "mine"));
        assertEquals("mine", own.header(EventScope.TRACEPARENT), "the caller's header wins");
      }
      EventEnvelope after = Envelopes.event(SHIPPED, "p-4", "box", Map.of());
      assertEquals("00-abc-def-01", after.header(EventScope.TRACEPARENT), "closed: back in force");
      assertEquals("old=1", after.header(EventScope.TRACESTATE));
    }
  }

  @Test
  void aTraceScopeOutsideAnyScopeMakesRootEvents() {
    try (EventScope trace = EventScope.trace(Map.of(EventScope.TRACEPARENT, "00-t-s-01"))) {
      assertNull(trace.correlationId());
      EventEnvelope event = Envelopes.event(SHIPPED, "p-1", "box", Map.of());
      assertEquals(event.eventId().toString(), event.correlationId(), "correlates to itself");
      assertNull(event.causationId());
      assertEquals("00-t-s-01", event.header(EventScope.TRACEPARENT));
    }
    assertNull(Envelopes.event(SHIPPED, "p-1", "box", Map.of()).header(EventScope.TRACEPARENT));
  }

  @Test
  void aTraceScopeTakesTraceHeadersOnly() {
    var other =
        assertThrows(
            IllegalArgumentException.class,
            () -> EventScope.trace(Map.of(EventScope.TRACEPARENT, "00-t-s-01", "x-tenant", "a")));
    assertTrue(other.getMessage().startsWith("\"x-tenant\" is not a trace header"));
    assertThrows(
        IllegalArgumentException.class,
        () -> EventScope.trace(Map.of(EventScope.TRACESTATE, "vendor=1")));
    assertNull(Envelopes.event(SHIPPED, "p-1", "box", Map.of()).causationId(), "nothing opened");
  }
}
