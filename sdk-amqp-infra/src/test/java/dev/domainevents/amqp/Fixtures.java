package dev.domainevents.amqp;

import com.rabbitmq.client.AMQP;
import dev.domainevents.Entity;
import dev.domainevents.EventBatch;
import dev.domainevents.EventContext;
import dev.domainevents.EventEnvelope;
import dev.domainevents.EventType;
import dev.domainevents.spi.EventCatalog;
import dev.domainevents.spi.EventDispatcher;
import dev.domainevents.spi.EventRegistry;
import java.time.Duration;
import java.util.Date;
import java.util.HashMap;
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
  static final String SELL_TOPIC = "event-sell";
  static final EventType<GoodsObj> SHOPPING_TYPE = EventType.of(SHOPPING, GoodsObj.class);

  private Fixtures() {}

  /** The payload of Goods:Shopping. */
  record GoodsObj(long id, String name, int amount, int sequence) {}

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
          SHOPPING, new GoodsObj(id, "goods-" + id, amount, sequence++), Map.of("x-action", "buy"));
    }

    @Override
    public String identity() {
      return Long.toString(id);
    }
  }

  /** Like a generated registry: Goods:Shopping, on its default topic goods. */
  static EventCatalog catalog() {
    return EventCatalog.of(
        new EventRegistry() {
          @Override
          public List<EventType<?>> eventTypes() {
            return List.of(SHOPPING_TYPE);
          }

          @Override
          public EventDispatcher dispatcherFor(Object handler) {
            return null;
          }
        });
  }

  /** What a handler does with a delivery: return normally, or throw. */
  interface Behaviour {
    void handle(EventEnvelope envelope, int attempt) throws Exception;
  }

  /** Like a generated dispatcher; records every call, then applies the behaviour. */
  static final class RecordingHandler implements EventDispatcher {
    final List<EventContext> calls = new CopyOnWriteArrayList<>();
    final List<EventContext> handled = new CopyOnWriteArrayList<>();
    private volatile Behaviour behaviour = (envelope, attempt) -> {};

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
      return Map.of(SELL_TOPIC, SellMessage.class);
    }

    @Override
    public boolean dispatch(EventContext context) throws Exception {
      if (!context.name().equals(SHOPPING) && !context.name().equals(SELL_TOPIC)) {
        return false;
      }
      calls.add(context);
      behaviour.handle(context.envelope(), context.attempt());
      handled.add(context);
      return true;
    }
  }

  /** Settings that make a test react in milliseconds rather than seconds. */
  static Properties fast(RabbitVhost vhost, String service) {
    Properties props = new Properties();
    props.setProperty("amqp.uri", vhost.uri());
    if (service != null) {
      props.setProperty("domainevents.service", service);
    }
    props.setProperty("rabbitmq.connection.recovery.interval", "300");
    props.setProperty("domainevents.retry.backoff.ms", "10");
    props.setProperty("domainevents.retry.queue.delay.ms", "200");
    props.setProperty("domainevents.publish.timeout.ms", "20000");
    props.setProperty("domainevents.close.timeout.ms", "5000");
    return props;
  }

  static AmqpInfra start(Properties props, EventDispatcher... handlers) {
    AmqpInfra infra = AmqpInfra.builder().properties(props).build();
    for (EventDispatcher handler : handlers) {
      infra.subscribe(handler);
    }
    infra.start(catalog());
    return infra;
  }

  /** Takes and clears the entities' pending events. */
  static List<EventEnvelope> drain(Entity... entities) {
    EventBatch batch = EventBatch.of(catalog(), entities);
    batch.clear();
    return batch.events();
  }

  private static final AtomicInteger RAW_SEQUENCE = new AtomicInteger();

  /**
   * Properties of a hand-made message of event {@code type}, as a publisher of ours sets them; each
   * gets a unique correlation id to tell them apart.
   */
  static AMQP.BasicProperties rawProperties(String type, String messageId) {
    Map<String, Object> headers = new HashMap<>();
    headers.put(AmqpHeaders.OCCURRED_AT, "2026-01-02T03:04:05Z");
    return new AMQP.BasicProperties.Builder()
        .type(type)
        .messageId(messageId)
        .correlationId("poison-" + RAW_SEQUENCE.incrementAndGet())
        .timestamp(new Date())
        .deliveryMode(2)
        .headers(headers)
        .build();
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
