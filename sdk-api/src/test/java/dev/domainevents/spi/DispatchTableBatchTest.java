package dev.domainevents.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.domainevents.Delivery;
import dev.domainevents.EventContext;
import dev.domainevents.EventEnvelope;
import dev.domainevents.EventInterceptor;
import dev.domainevents.EventInterceptors;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@link DispatchTable#dispatchBatch}: which names batch, and the interceptors around a batch. */
class DispatchTableBatchTest {
  private static final String SHIPPED = "Parcel:Shipped";

  /** A hand-written dispatcher of the shape the processor generates for a batch method. */
  private static final class BatchRecorder implements EventDispatcher {
    final List<List<Object>> batches = new ArrayList<>();
    final List<EventEnvelope> raised = new ArrayList<>();
    RuntimeException failWith;

    @Override
    public Set<String> events() {
      return Set.of(SHIPPED);
    }

    @Override
    public Map<String, Class<?>> topics() {
      return Map.of();
    }

    @Override
    public Set<String> batchEvents() {
      return Set.of(SHIPPED);
    }

    @Override
    public boolean dispatch(EventContext context) throws Exception {
      return dispatchBatch(context.name(), List.of(context));
    }

    @Override
    public boolean dispatchBatch(String name, List<? extends EventContext> contexts) {
      if (failWith != null) {
        throw failWith;
      }
      List<Object> payloads = new ArrayList<>();
      for (EventContext context : contexts) {
        payloads.add(context.envelope().payload());
      }
      batches.add(payloads);
      raised.add(Envelopes.event("Parcel:Counted", "p-1", payloads.size(), Map.of()));
      return true;
    }
  }

  /** Handles the same event one at a time. */
  private static final class SingleRecorder implements EventDispatcher {
    final List<Object> seen = new ArrayList<>();

    @Override
    public Set<String> events() {
      return Set.of(SHIPPED);
    }

    @Override
    public Map<String, Class<?>> topics() {
      return Map.of();
    }

    @Override
    public boolean dispatch(EventContext context) {
      seen.add(context.envelope().payload());
      return true;
    }
  }

  private static List<Delivery> deliveries(String... payloads) {
    List<Delivery> all = new ArrayList<>();
    long offset = 0;
    for (String payload : payloads) {
      all.add(
          Delivery.of(
              Envelopes.event(SHIPPED, "p-1", payload, Map.of()),
              1,
              "test",
              "parcel",
              "g",
              0,
              offset++));
    }
    return all;
  }

  @Test
  void aNameOnlyBatchMethodsHandleIsDispatchedAsOneBatch() throws Exception {
    BatchRecorder recorder = new BatchRecorder();
    DispatchTable table = DispatchTable.of(List.of(recorder));
    assertEquals(Set.of(SHIPPED), table.batches());
    assertTrue(table.dispatchBatch(SHIPPED, deliveries("a", "b", "c")));
    assertEquals(List.of(List.of("a", "b", "c")), recorder.batches);
    assertNull(recorder.raised.get(0).causationId(), "a batch has no single cause");

    Delivery one = deliveries("d").get(0);
    assertTrue(table.dispatch(one));
    assertEquals(List.of("d"), recorder.batches.get(1), "one event: a one-element list");
    assertEquals(
        one.eventId().toString(),
        recorder.raised.get(1).causationId(),
        "record by record, the handled event is the cause");
  }

  @Test
  void aNameASingleEventMethodAlsoHandlesIsNotBatched() throws Exception {
    BatchRecorder batch = new BatchRecorder();
    SingleRecorder single = new SingleRecorder();
    DispatchTable table = DispatchTable.of(List.of(batch, single));
    assertEquals(Set.of(), table.batches());
    assertFalse(table.dispatchBatch(SHIPPED, deliveries("a", "b")));
    assertTrue(batch.batches.isEmpty());

    assertTrue(table.dispatch(deliveries("a").get(0)));
    assertEquals(List.of(List.of("a")), batch.batches, "a one-element list");
    assertEquals(List.of("a"), single.seen);
  }

  @Test
  void interceptorsWrapTheBatchOnceAndSeeEveryDelivery() throws Exception {
    List<String> calls = new ArrayList<>();
    EventInterceptor recording =
        new EventInterceptor() {
          @Override
          public void handle(Delivery delivery, HandleStep next) throws Exception {
            calls.add("handle " + delivery.offset());
            next.handle();
          }

          @Override
          public void handleBatch(List<? extends Delivery> batch, HandleStep next)
              throws Exception {
            calls.add("batch " + batch.size() + " from " + batch.get(0).offset());
            next.handle();
          }
        };
    BatchRecorder recorder = new BatchRecorder();
    DispatchTable table =
        DispatchTable.of(
            List.of(recorder), EventInterceptors.builder().add(recording).build(), "test");
    assertTrue(table.dispatchBatch(SHIPPED, deliveries("a", "b", "c")));
    assertEquals(List.of("batch 3 from 0"), calls);
    assertEquals(1, recorder.batches.size());
  }

  @Test
  void aFailingBatchThrowsThroughInterceptorsThatSwallowIt() {
    EventInterceptor swallowing =
        new EventInterceptor() {
          @Override
          public void handleBatch(List<? extends Delivery> batch, HandleStep next) {
            try {
              next.handle();
            } catch (Exception ignored) {
              // the chain still rethrows the handler's failure
            }
          }
        };
    BatchRecorder recorder = new BatchRecorder();
    recorder.failWith = new IllegalStateException("bad parcel");
    DispatchTable table =
        DispatchTable.of(
            List.of(recorder), EventInterceptors.builder().add(swallowing).build(), "test");
    IllegalStateException thrown =
        assertThrows(
            IllegalStateException.class, () -> table.dispatchBatch(SHIPPED, deliveries("a")));
    assertSame(recorder.failWith, thrown);
  }

  @Test
  void anEmptyBatchIsRefused() {
    DispatchTable table = DispatchTable.of(List.of(new BatchRecorder()));
    assertThrows(IllegalArgumentException.class, () -> table.dispatchBatch(SHIPPED, List.of()));
  }
}
