package dev.domainevents.kafka;

import dev.domainevents.Entity;
import dev.domainevents.EventBatch;
import dev.domainevents.EventContext;
import dev.domainevents.EventEnvelope;
import dev.domainevents.EventType;
import dev.domainevents.spi.EventDispatcher;
import dev.domainevents.spi.EventRegistry;
import dev.domainevents.spi.InstalledInfra;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/** Hand-written stand-ins for what sdk-processor generates, plus test helpers. */
final class Fixtures {
  static final String SHOPPING = "Goods:Shopping";

  /** The schema version of {@link #SHOPPING} in the fixture registry. */
  static final int SCHEMA_VERSION = 2;

  private static final AtomicInteger SEQUENCE = new AtomicInteger();

  private Fixtures() {}

  /** A unique suffix, so that tests sharing a broker never share topics or groups. */
  static String unique(String prefix) {
    return prefix + "-" + SEQUENCE.incrementAndGet() + "-" + System.nanoTime() % 100_000;
  }

  /** The payload of Goods:Shopping. */
  record GoodsObj(long id, String name, int amount, int sequence, BigDecimal price, Instant at) {}

  /** A plain topic's payload. */
  record SellMessage(String sku, int quantity) {}

  /** An entity, shaped like the ones the processor reads. */
  static final class Goods extends Entity {
    private final long id;
    private int sequence;

    Goods(long id) {
      this.id = id;
    }

    void shopping(int amount) {
      domainEvent(
          SHOPPING,
          new GoodsObj(
              id,
              "goods-" + id,
              amount,
              sequence++,
              new BigDecimal("9.99"),
              Instant.parse("2026-01-02T03:04:05.123456Z")),
          Map.of("x-action", "buy"));
    }

    @Override
    public String identity() {
      return Long.toString(id);
    }
  }

  /** Like a generated registry: one event, on a per-test topic. */
  static EventRegistry registry(String topic) {
    return registry(List.of(EventType.of(SHOPPING, GoodsObj.class, topic, SCHEMA_VERSION)));
  }

  /** Like a generated registry of {@code types}, without dispatchers. */
  static EventRegistry registry(List<EventType<?>> types) {
    return new EventRegistry() {
      @Override
      public List<EventType<?>> eventTypes() {
        return types;
      }

      @Override
      public EventDispatcher dispatcherFor(Object handler) {
        return null;
      }
    };
  }

  /** What a handler does with a delivery: return normally, or throw. */
  interface Behaviour {
    void handle(EventEnvelope envelope, int attempt) throws Exception;
  }

  /**
   * Like a generated dispatcher: a switch on the name calling typed methods. It records every call,
   * then applies the behaviour.
   */
  static final class RecordingHandler implements EventDispatcher {
    final List<EventContext> calls = new CopyOnWriteArrayList<>();

    /** {@link System#nanoTime()} of each call, in the order of {@link #calls}. */
    final List<Long> callTimes = new CopyOnWriteArrayList<>();

    final List<EventContext> handled = new CopyOnWriteArrayList<>();
    private final String plainTopic;
    private volatile Behaviour behaviour = (envelope, attempt) -> {};

    RecordingHandler() {
      this(null);
    }

    RecordingHandler(String plainTopic) {
      this.plainTopic = plainTopic;
    }

    RecordingHandler behave(Behaviour behaviour) {
      this.behaviour = behaviour;
      return this;
    }

    @Override
    public Set<String> events() {
      return Set.of(SHOPPING);
    }

    @Override
    public Map<String, Class<?>> topics() {
      return plainTopic == null ? Map.of() : Map.of(plainTopic, SellMessage.class);
    }

    @Override
    public boolean dispatch(EventContext context) throws Exception {
      switch (context.name()) {
        case SHOPPING:
          onShopping((GoodsObj) context.envelope().payload(), context);
          return true;
        default:
          if (context.name().equals(plainTopic)) {
            onSell((SellMessage) context.envelope().payload(), context);
            return true;
          }
          return false;
      }
    }

    void onShopping(GoodsObj goods, EventContext context) throws Exception {
      record(context);
    }

    void onSell(SellMessage message, EventContext context) throws Exception {
      record(context);
    }

    private void record(EventContext context) throws Exception {
      callTimes.add(System.nanoTime());
      calls.add(context);
      behaviour.handle(context.envelope(), context.attempt());
      handled.add(context);
    }
  }

  /** Client settings that make a test react in seconds rather than minutes. */
  static Properties fastClient(String bootstrapServers, String group) {
    Properties props = new Properties();
    props.put("bootstrap.servers", bootstrapServers);
    if (group != null) {
      props.put("group.id", group);
    }
    props.put("session.timeout.ms", "6000");
    props.put("heartbeat.interval.ms", "500");
    props.put("max.poll.interval.ms", "20000");
    props.put("metadata.max.age.ms", "2000");
    props.put("linger.ms", "2");
    // One request in flight: tests publish into topics the broker auto-creates, and a second
    // request that overtakes a first one refused during creation leaves the first failing with
    // OUT_OF_ORDER_SEQUENCE_NUMBER until it expires (KAFKA-15591).
    props.put("max.in.flight.requests.per.connection", "1");
    props.put("domainevents.retry.backoff.ms", "20");
    props.put("domainevents.close.timeout.ms", "5000");
    return props;
  }

  /**
   * Takes and clears the entities' pending events, versioned by the installed catalog if any: what
   * {@code DomainEvents.publish} hands the infra.
   */
  static List<EventEnvelope> drain(Entity... entities) {
    EventBatch batch = EventBatch.of(InstalledInfra.catalogIfInstalled(), entities);
    batch.clear();
    // Without an installed catalog the batch cannot know the version: stamp the fixture
    // registry's, which its consumers expect (a version-1 envelope would need an upcaster).
    return batch.events().stream()
        .map(e -> e.type() == null ? e.withSchemaVersion(SCHEMA_VERSION) : e)
        .toList();
  }

  static Goods[] aggregates(int count, long firstId) {
    Goods[] goods = new Goods[count];
    for (int i = 0; i < count; i++) {
      goods[i] = new Goods(firstId + i);
    }
    return goods;
  }

  /** Polls {@code condition} until it holds or {@code timeout} passes; never sleeps long. */
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
