package dev.domainevents.test.contract;

import dev.domainevents.Entity;
import dev.domainevents.EventBatch;
import dev.domainevents.EventContext;
import dev.domainevents.EventEnvelope;
import dev.domainevents.EventType;
import dev.domainevents.spi.EventCatalog;
import dev.domainevents.spi.EventDispatcher;
import dev.domainevents.spi.EventRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/** Hand-written stand-ins for what sdk-processor generates, shared by every contract test. */
final class ContractFixtures {
  static final String SHOPPING = "Goods:Shopping";
  private static final AtomicInteger SEQUENCE = new AtomicInteger();

  private ContractFixtures() {}

  /** The payload of Goods:Shopping. */
  record GoodsObj(long id, String name, int amount, int sequence) {}

  /** An entity, shaped like the ones the processor reads. */
  static final class Goods extends Entity {
    private final long id;
    private int sequence;

    Goods(long id) {
      this.id = id;
    }

    void shopping(int amount) {
      domainEvent(
          SHOPPING, new GoodsObj(id, "goods-" + id, amount, sequence++), Map.of("x-action", "buy"));
    }

    @Override
    public String identity() {
      return Long.toString(id);
    }
  }

  /**
   * Like a generated registry: Goods:Shopping on a topic of its own per test, so tests sharing a
   * Kafka broker never share a topic (brokers that route by event name ignore it).
   */
  static EventCatalog newCatalog() {
    String topic =
        "goods.contract-" + SEQUENCE.incrementAndGet() + "-" + System.nanoTime() % 100_000;
    EventType<GoodsObj> shopping = EventType.of(SHOPPING, GoodsObj.class, topic, 2);
    return EventCatalog.of(
        new EventRegistry() {
          @Override
          public List<EventType<?>> eventTypes() {
            return List.of(shopping);
          }

          @Override
          public EventDispatcher dispatcherFor(Object handler) {
            return null;
          }
        });
  }

  /** Takes and clears the entities' pending events, versioned by {@code catalog}. */
  static List<EventEnvelope> drain(EventCatalog catalog, Entity... entities) {
    EventBatch batch = EventBatch.of(catalog, entities);
    batch.clear();
    return batch.events();
  }

  /** What a handler does with a delivery: return normally, or throw. */
  interface Behaviour {
    void handle(EventEnvelope envelope, int attempt) throws Exception;
  }

  /** Like a generated dispatcher; records every call, then applies the behaviour. */
  static final class RecordingHandler implements EventDispatcher {
    final List<EventContext> calls = new CopyOnWriteArrayList<>();
    final List<EventContext> handled = new CopyOnWriteArrayList<>();
    private final Behaviour behaviour;

    RecordingHandler() {
      this((envelope, attempt) -> {});
    }

    RecordingHandler(Behaviour behaviour) {
      this.behaviour = behaviour;
    }

    @Override
    public Set<String> events() {
      return Set.of(SHOPPING);
    }

    @Override
    public Map<String, Class<?>> topics() {
      return Map.of();
    }

    @Override
    public boolean dispatch(EventContext context) throws Exception {
      if (!context.name().equals(SHOPPING)) {
        return false;
      }
      calls.add(context);
      behaviour.handle(context.envelope(), context.attempt());
      handled.add(context);
      return true;
    }
  }

  static long goodsId(EventContext context) {
    return ((GoodsObj) context.envelope().payload()).id();
  }

  /** Polls {@code condition} until it holds or {@code timeout} passes. */
  static void await(Duration timeout, String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout + " waiting for " + what);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for " + what, e);
      }
    }
  }
}
