package dev.domainevents.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.domainevents.EventContext;
import dev.domainevents.EventEnvelope;
import dev.domainevents.EventScope;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The handling scope {@link DispatchTable#dispatch} opens, which it reuses from event to event. */
class DispatchTableTest {
  private static final String SHIPPED = "Parcel:Shipped";
  private static final String LABELLED = "Parcel:Labelled";

  /** Handles both events; raising a label for each shipped parcel, dispatched on this thread. */
  private final class Recorder implements EventDispatcher {
    final List<EventEnvelope> raised = new ArrayList<>();
    DispatchTable table;
    RuntimeException failWith;

    @Override
    public Set<String> events() {
      return Set.of(SHIPPED, LABELLED);
    }

    @Override
    public Map<String, Class<?>> topics() {
      return Map.of();
    }

    @Override
    public boolean dispatch(EventContext context) throws Exception {
      if (failWith != null) {
        throw failWith;
      }
      EventEnvelope caused = Envelopes.event(LABELLED, "p-1", "label", Map.of());
      raised.add(caused);
      if (context.name().equals(SHIPPED)) {
        table.dispatch(EventContext.of(caused)); // nested: a synchronous infra does this
        raised.add(Envelopes.event(LABELLED, "p-1", "after", Map.of()));
      }
      return true;
    }
  }

  @Test
  void eventsRaisedInHandlersAreCausedByTheHandledOneAcrossReusedAndNestedScopes()
      throws Exception {
    Recorder recorder = new Recorder();
    DispatchTable table = DispatchTable.of(List.of(recorder));
    recorder.table = table;
    for (int round = 0; round < 3; round++) {
      recorder.raised.clear();
      EventEnvelope shipped =
          Envelopes.event(SHIPPED, "p-1", "box", Map.of(EventScope.TRACEPARENT, "00-t-" + round));
      assertTrue(table.dispatch(EventContext.of(shipped)));

      EventEnvelope label = recorder.raised.get(0);
      EventEnvelope nested = recorder.raised.get(1);
      EventEnvelope after = recorder.raised.get(2);
      assertEquals(shipped.eventId().toString(), label.causationId());
      assertEquals(shipped.correlationId(), label.correlationId());
      assertEquals("00-t-" + round, label.header(EventScope.TRACEPARENT));
      assertEquals(label.eventId().toString(), nested.causationId(), "caused by the nested event");
      assertEquals(shipped.correlationId(), nested.correlationId());
      assertEquals(
          shipped.eventId().toString(), after.causationId(), "the outer scope is back in force");
      assertEquals("00-t-" + round, after.header(EventScope.TRACEPARENT));
    }
    assertNull(Envelopes.event(SHIPPED, "p-1", "box", Map.of()).causationId(), "no scope left");
  }

  @Test
  void aFailingHandlerLeavesNoScopeBehind() {
    Recorder recorder = new Recorder();
    recorder.failWith = new IllegalStateException("boom");
    DispatchTable table = DispatchTable.of(List.of(recorder));
    EventEnvelope shipped = Envelopes.event(SHIPPED, "p-1", "box", Map.of());
    IllegalStateException thrown =
        assertThrows(IllegalStateException.class, () -> table.dispatch(EventContext.of(shipped)));
    assertSame(recorder.failWith, thrown);
    assertNull(Envelopes.event(SHIPPED, "p-1", "box", Map.of()).causationId());
  }

  @Test
  void anUnhandledNameOpensNoScope() throws Exception {
    DispatchTable table = DispatchTable.of(List.of(new Recorder()));
    assertFalse(
        table.dispatch(EventContext.of(Envelopes.event("Parcel:Lost", "p-1", "box", Map.of()))));
  }
}
