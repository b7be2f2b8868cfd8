package dev.domainevents.http;

import com.sun.net.httpserver.HttpServer;
import dev.domainevents.EventContext;
import dev.domainevents.EventEnvelope;
import dev.domainevents.EventType;
import dev.domainevents.spi.EventDispatcher;
import dev.domainevents.spi.EventRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;

/** Hand-written stand-ins for what sdk-processor generates, plus test helpers. */
final class Fixtures {
  static final String SHOPPING = "Goods:Shopping";
  static final String SOLD = "Goods:Sold";
  private static final AtomicInteger SEQUENCE = new AtomicInteger();

  static {
    // The JDK server writes a response's head and body apart; with Nagle's algorithm on, each
    // answer waits for the client's delayed ACK, some 40 ms. Read once, before a server exists.
    System.setProperty("sun.net.httpserver.nodelay", "true");
  }

  private Fixtures() {}

  static String unique(String prefix) {
    return prefix + "-" + SEQUENCE.incrementAndGet() + "-" + System.nanoTime() % 100_000;
  }

  /** The payload of Goods:Shopping. */
  record GoodsObj(long id, int amount, int sequence) {}

  /** The payload of Goods:Sold, which the handler raises. */
  record Sold(long id) {}

  static EventType<GoodsObj> shopping(String topic) {
    return shopping(topic, 1);
  }

  static EventType<GoodsObj> shopping(String topic, int version) {
    return EventType.of(SHOPPING, GoodsObj.class, topic, version);
  }

  /** Like a generated registry: Goods:Shopping on {@code topic}, and Goods:Sold. */
  static EventRegistry registry(String topic) {
    return registry(topic, 1);
  }

  /**
   * Like a generated registry with Goods:Shopping at {@code version}; from version 1 on, an
   * upcaster from each older one, of which version 1 called {@code amount} {@code quantity}.
   */
  static EventRegistry registry(String topic, int version) {
    List<EventType<?>> types = List.of(shopping(topic, version), EventType.of(SOLD, Sold.class));
    return new EventRegistry() {
      @Override
      public List<EventType<?>> eventTypes() {
        return types;
      }

      @Override
      public EventDispatcher dispatcherFor(Object handler) {
        return null;
      }

      @Override
      public UnaryOperator<Map<String, Object>> upcaster(String event, int from) {
        if (!event.equals(SHOPPING) || from >= version) {
          return null;
        }
        return from == 1
            ? v1 -> {
              if (v1.containsKey("quantity")) {
                v1.put("amount", v1.remove("quantity"));
              }
              return v1;
            }
            : UnaryOperator.identity();
      }
    };
  }

  /** What a handler does with a delivery. */
  interface Behaviour {
    void handle(GoodsObj goods, EventContext context) throws Exception;
  }

  /** Like a generated dispatcher: handles Goods:Shopping, recording every completed call. */
  static final class RecordingHandler implements EventDispatcher {
    final List<EventContext> handled = new CopyOnWriteArrayList<>();
    private volatile Behaviour behaviour = (goods, context) -> {};

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
      return Map.of();
    }

    @Override
    public boolean dispatch(EventContext context) throws Exception {
      if (!context.name().equals(SHOPPING)) {
        return false;
      }
      behaviour.handle((GoodsObj) context.envelope().payload(), context);
      handled.add(context);
      return true;
    }

    List<EventEnvelope> envelopes() {
      return handled.stream().map(EventContext::envelope).toList();
    }
  }

  /** A JDK HttpServer on 127.0.0.1, on {@code port} (0: any free port), already started. */
  static HttpServer server(int port) {
    try {
      HttpServer server =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
      server.setExecutor(Executors.newFixedThreadPool(8));
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

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
}
