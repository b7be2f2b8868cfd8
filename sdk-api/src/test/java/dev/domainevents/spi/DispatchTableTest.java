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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
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

  /** Handles {@code names}, raising one event per handled one and keeping it. */
  private static class Raiser implements EventDispatcher {
    final Set<String> names;
    final List<EventEnvelope> raised = new ArrayList<>();

    Raiser(Set<String> names) {
      this.names = names;
    }

    @Override
    public Set<String> events() {
      return names;
    }

    @Override
    public Map<String, Class<?>> topics() {
      return Map.of();
    }

    @Override
    public boolean dispatch(EventContext context) {
      raised.add(Envelopes.event(LABELLED, "p-1", context.name(), Map.of()));
      return true;
    }

    EventEnvelope last() {
      return raised.get(raised.size() - 1);
    }
  }

  @Test
  void aReusedScopeForgetsTheTraceAndCauseOfTheEventBefore() throws Exception {
    Raiser raiser = new Raiser(Set.of(SHIPPED));
    DispatchTable table = DispatchTable.of(List.of(raiser));
    EventEnvelope traced =
        Envelopes.event(
            SHIPPED,
            "p-1",
            "box",
            Map.of(EventScope.TRACEPARENT, "00-t-1", EventScope.BAGGAGE, "tenant=a"));
    EventEnvelope plain = Envelopes.event(SHIPPED, "p-2", "box", Map.of());

    table.dispatch(EventContext.of(traced));
    assertEquals("00-t-1", raiser.last().header(EventScope.TRACEPARENT));
    assertEquals("tenant=a", raiser.last().header(EventScope.BAGGAGE));
    table.dispatch(EventContext.of(plain));
    EventEnvelope caused = raiser.last();
    assertEquals(plain.eventId().toString(), caused.causationId());
    assertEquals(plain.correlationId(), caused.correlationId());
    assertNull(
        caused.header(EventScope.TRACEPARENT), "no trace context left from the event before");
    assertNull(caused.header(EventScope.BAGGAGE));
  }

  @Test
  void aUserScopeAroundOrBetweenDispatchesKeepsTheStackInOrder() throws Exception {
    Raiser raiser = new Raiser(Set.of(SHIPPED));
    DispatchTable table = DispatchTable.of(List.of(raiser));
    EventEnvelope shipped = Envelopes.event(SHIPPED, "p-1", "box", Map.of());
    try (EventScope request = EventScope.correlate("req-1", null)) {
      table.dispatch(EventContext.of(shipped)); // one deeper than usual
      assertEquals(shipped.eventId().toString(), raiser.last().causationId());
      assertEquals("req-1", Envelopes.event(SHIPPED, "p-9", "box", Map.of()).correlationId());
    }
    // The request scope held the slot the table's usual scope sits in; dispatching still works.
    table.dispatch(EventContext.of(shipped));
    assertEquals(shipped.eventId().toString(), raiser.last().causationId());
    try (EventScope trace = EventScope.trace(Map.of(EventScope.TRACEPARENT, "00-user-1"))) {
      assertNull(Envelopes.event(SHIPPED, "p-9", "box", Map.of()).causationId());
    }
    table.dispatch(EventContext.of(shipped));
    assertEquals(shipped.eventId().toString(), raiser.last().causationId());
    assertNull(Envelopes.event(SHIPPED, "p-1", "box", Map.of()).causationId(), "no scope left");
  }

  @Test
  void threadsBesideTheFirstToDispatchGetScopesOfTheirOwn() throws Exception {
    // Keyed by the handled event's id: what its handler raised.
    Map<String, EventEnvelope> raisedBy = new ConcurrentHashMap<>();
    EventDispatcher recorder =
        new Raiser(Set.of(SHIPPED)) {
          @Override
          public boolean dispatch(EventContext context) {
            raisedBy.put(
                context.envelope().eventId().toString(),
                Envelopes.event(LABELLED, "p-1", "label", Map.of()));
            return true;
          }
        };
    DispatchTable table = DispatchTable.of(List.of(recorder));
    Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
    // The first thread to dispatch ends; the threads after it dispatch at once.
    Thread first = new Thread(() -> dispatchAndCheck(table, raisedBy, 10, failures));
    first.start();
    first.join();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      threads.add(new Thread(() -> dispatchAndCheck(table, raisedBy, 2_000, failures)));
    }
    threads.forEach(Thread::start);
    for (Thread thread : threads) {
      thread.join();
    }
    assertEquals(List.of(), List.copyOf(failures));
    assertEquals(10 + 4 * 2_000, raisedBy.size());
  }

  private static void dispatchAndCheck(
      DispatchTable table,
      Map<String, EventEnvelope> raisedBy,
      int events,
      Queue<Throwable> failures) {
    try {
      for (int i = 0; i < events; i++) {
        EventEnvelope shipped = Envelopes.event(SHIPPED, "p-" + i, "box", Map.of());
        table.dispatch(EventContext.of(shipped));
        String id = shipped.eventId().toString();
        EventEnvelope caused = raisedBy.get(id);
        if (caused == null || !id.equals(caused.causationId())) {
          throw new AssertionError("event " + i + " caused " + caused);
        }
        if (Envelopes.event(LABELLED, "p-1", "outside", Map.of()).causationId() != null) {
          throw new AssertionError("a scope was left open after event " + i);
        }
      }
    } catch (Throwable failure) {
      failures.add(failure);
    }
  }

  @Test
  void namesAreFoundByValueAmongMany() throws Exception {
    Set<String> names = new LinkedHashSet<>();
    for (int i = 0; i < 300; i++) {
      names.add("Parcel:Event" + i);
    }
    Raiser raiser = new Raiser(names);
    DispatchTable table = DispatchTable.of(List.of(raiser));
    for (String name : names) {
      String copy = new String(name.toCharArray()); // equal, not the same string
      assertTrue(table.dispatch(EventContext.of(Envelopes.event(copy, "p-1", "box", Map.of()))));
      assertEquals(copy, raiser.last().payload());
    }
    assertFalse(
        table.dispatch(EventContext.of(Envelopes.event("Parcel:Event300", "p-1", "b", Map.of()))));
    assertFalse(table.handles("Parcel:Event300"));
    assertEquals(300, raiser.raised.size());
  }
}
