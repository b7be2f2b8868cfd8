package dev.domainevents.http;

import static dev.domainevents.http.Fixtures.SHOPPING;
import static dev.domainevents.http.Fixtures.await;
import static dev.domainevents.http.Fixtures.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.domainevents.Delivery;
import dev.domainevents.EventContext;
import dev.domainevents.EventEnvelope;
import dev.domainevents.EventInterceptor;
import dev.domainevents.EventInterceptors;
import dev.domainevents.http.Fixtures.GoodsObj;
import dev.domainevents.http.Fixtures.RecordingHandler;
import dev.domainevents.json.JsonPayloadCodec;
import dev.domainevents.kafka.KafkaInfra;
import dev.domainevents.spi.Envelopes;
import dev.domainevents.spi.EventCatalog;
import dev.domainevents.test.kafka.EmbeddedKafkaExtension;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The proxy between a real KRaft broker and a real JDK HttpServer on 127.0.0.1 running the
 * receiver: what the service answers decides commit, retry and dead letter.
 */
class HttpProxyTest {
  @RegisterExtension static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

  private static final Duration WAIT = Duration.ofSeconds(180);

  private final List<AutoCloseable> closing = new ArrayList<>();
  private final RecordingHandler handler = new RecordingHandler();

  /** Every request the service saw: its event id and x-retry-count. */
  private final List<String[]> requests = new CopyOnWriteArrayList<>();

  private HttpServer server;
  private String topic;
  private int maxBodyBytes = EventReceiver.DEFAULT_MAX_BODY_BYTES;
  private int serviceVersion = 1;

  @AfterEach
  void closeAll() throws Exception {
    for (int i = closing.size() - 1; i >= 0; i--) {
      closing.get(i).close();
    }
    if (server != null) {
      server.stop(0);
    }
  }

  /** What the service does before the receiver sees a request; {@code true} if it answered. */
  interface Answer {
    boolean answer(HttpExchange exchange, int seen) throws Exception;
  }

  /** Starts the service: the receiver at /events, behind {@code answer}. */
  private void startService(int port, Answer answer) {
    EventCatalog catalog = EventCatalog.of(Fixtures.registry(topic, serviceVersion));
    EventReceiver receiver =
        EventReceiver.create(catalog, JsonPayloadCodec.create(), handler)
            .withMaxBodyBytes(maxBodyBytes);
    server = Fixtures.server(port);
    HttpHandler real = receiver.handler();
    Map<String, AtomicInteger> seen = new ConcurrentHashMap<>();
    server.createContext(
        "/events",
        exchange -> {
          String id = exchange.getRequestHeaders().getFirst("de-event-id");
          requests.add(
              new String[] {
                id,
                exchange.getRequestHeaders().getFirst("x-retry-count"),
                exchange.getRequestHeaders().getFirst("de-schema-version")
              });
          int count = seen.computeIfAbsent(id, k -> new AtomicInteger()).getAndIncrement();
          try {
            if (answer.answer(exchange, count)) {
              return;
            }
          } catch (IOException | RuntimeException e) {
            throw e;
          } catch (Exception e) {
            throw new IOException(e);
          }
          real.handle(exchange);
        });
    server.start();
  }

  private static void reply(HttpExchange exchange, int status, String body, String retryAfter)
      throws IOException {
    try (exchange) {
      exchange.getRequestBody().readAllBytes();
      if (retryAfter != null) {
        exchange.getResponseHeaders().set("Retry-After", retryAfter);
      }
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(status, bytes.length);
      exchange.getResponseBody().write(bytes);
    }
  }

  private HttpProxy startProxy(Properties extra) {
    return startProxy(extra, EventInterceptors.defaults());
  }

  private HttpProxy startProxy(Properties extra, EventInterceptors interceptors) {
    Properties props = Fixtures.fastClient(KAFKA.bootstrapServers(), unique("proxy"));
    props.put("proxy.address", "http://127.0.0.1:" + server.getAddress().getPort());
    props.putAll(extra);
    Properties routes = new Properties();
    routes.put(SHOPPING + ".topic", topic);
    routes.put(SHOPPING + ".route", "/events/" + SHOPPING);
    HttpProxy proxy =
        HttpProxy.builder().properties(props).routes(routes).build().start(interceptors);
    closing.add(proxy);
    return proxy;
  }

  private KafkaInfra publisher() {
    KafkaInfra kafka =
        KafkaInfra.builder()
            .properties(Fixtures.fastClient(KAFKA.bootstrapServers(), null))
            .build();
    kafka.start(EventCatalog.of(Fixtures.registry(topic)));
    closing.add(kafka);
    return kafka;
  }

  /** {@code perAggregate} events of each of {@code aggregates} aggregates, interleaved. */
  private List<EventEnvelope> events(int aggregates, int perAggregate, int firstSequence) {
    List<EventEnvelope> events = new ArrayList<>();
    for (int s = firstSequence; s < firstSequence + perAggregate; s++) {
      for (long id = 1; id <= aggregates; id++) {
        events.add(
            Envelopes.event(
                Fixtures.shopping(topic),
                Long.toString(id),
                new GoodsObj(id, 1, s),
                Map.of("x-action", "buy")));
      }
    }
    return events;
  }

  /** Each event handled exactly once, and each aggregate's in the order it was raised. */
  private void assertEachOnceInOrder(List<EventEnvelope> published) {
    List<EventEnvelope> handled = handler.envelopes();
    Set<UUID> ids = new HashSet<>();
    for (EventEnvelope envelope : handled) {
      assertTrue(ids.add(envelope.eventId()), "handled twice: " + envelope);
    }
    assertEquals(published.size(), handled.size());
    Map<Long, List<Integer>> sequences = new HashMap<>();
    for (EventEnvelope envelope : handled) {
      GoodsObj goods = (GoodsObj) envelope.payload();
      sequences.computeIfAbsent(goods.id(), k -> new ArrayList<>()).add(goods.sequence());
    }
    for (Map.Entry<Long, List<Integer>> aggregate : sequences.entrySet()) {
      List<Integer> order = aggregate.getValue();
      for (int i = 1; i < order.size(); i++) {
        assertTrue(
            order.get(i - 1) < order.get(i), "aggregate " + aggregate.getKey() + ": " + order);
      }
    }
  }

  @ParameterizedTest(name = "http2={0}")
  @ValueSource(booleans = {false, true})
  void fiveThousandEventsOverFiftyAggregatesAreEachHandledOnceInOrder(boolean http2) {
    topic = unique("goods-shopping");
    KAFKA.broker().createTopic(topic, 4);
    startService(0, (exchange, seen) -> false);
    Properties settings = new Properties();
    settings.put("proxy.http2", Boolean.toString(http2));
    settings.put("domainevents.consumer.concurrency", "2");
    startProxy(settings);
    List<EventEnvelope> published = events(50, 100, 0);

    publisher().publishAndWait(published);

    await(WAIT, "5000 events handled", () -> handler.handled.size() >= published.size());
    assertEachOnceInOrder(published);
    EventContext first = handler.handled.get(0);
    assertEquals(Map.of("x-action", "buy"), first.headers());
    assertEquals(1, first.attempt());
  }

  @Test
  void aServiceThatAnswers500TwiceThen200HandlesTheEventOnce() {
    topic = unique("goods-shopping");
    startService(
        0,
        (exchange, seen) -> {
          if (seen < 2) {
            reply(exchange, 500, "busy", null);
            return true;
          }
          return false;
        });
    List<EventInterceptor.Outcome> outcomes = new CopyOnWriteArrayList<>();
    EventInterceptor recorder =
        new EventInterceptor() {
          @Override
          public void onOutcome(Delivery delivery, Outcome outcome, Throwable cause, long nanos) {
            outcomes.add(outcome);
          }
        };
    startProxy(new Properties(), EventInterceptors.builder().add(recorder).build());

    publisher().publishAndWait(events(1, 1, 0));

    await(WAIT, "the event handled", () -> handler.handled.size() == 1);
    assertEquals(3, handler.handled.get(0).attempt());
    List<String> retryCounts = requests.stream().map(r -> r[1]).toList();
    assertEquals(List.of("0", "1", "2"), retryCounts);
    await(WAIT, "the proxy's outcomes", () -> outcomes.size() == 3);
    assertEquals(
        List.of(
            EventInterceptor.Outcome.RETRIED,
            EventInterceptor.Outcome.RETRIED,
            EventInterceptor.Outcome.HANDLED),
        outcomes,
        "the proxy's consumer: two 500s, then 200");
  }

  @Test
  void a400GoesToTheDeadLetterTopicAtOnceWithTheStatusAndTheBody() {
    topic = unique("goods-shopping");
    startService(
        0,
        (exchange, seen) -> {
          reply(exchange, 400, "no such goods: 1", null);
          return true;
        });
    startProxy(new Properties());
    List<EventEnvelope> published = events(1, 1, 0);

    publisher().publishAndWait(published);

    ConsumerRecord<byte[], byte[]> dead = readOne("fail-" + topic);
    assertEquals("http-400", header(dead, "de-reason"));
    String message = header(dead, "de-exception-message");
    assertTrue(message.contains("answered 400: no such goods: 1"), message);
    assertEquals(published.get(0).eventId().toString(), header(dead, "de-event-id"));
    assertEquals(1, requests.size(), "no retry of a 400");
    assertTrue(handler.handled.isEmpty());
  }

  @Test
  void aBodyTheReceiverRefusesAs413GoesToTheDeadLetterTopicAtOnce() {
    topic = unique("goods-shopping");
    maxBodyBytes = 8; // smaller than any event's payload
    startService(0, (exchange, seen) -> false);
    startProxy(new Properties());
    List<EventEnvelope> published = events(1, 1, 0);

    publisher().publishAndWait(published);

    ConsumerRecord<byte[], byte[]> dead = readOne("fail-" + topic);
    assertEquals("http-413", header(dead, "de-reason"));
    String message = header(dead, "de-exception-message");
    assertTrue(message.contains("answered 413: the body is larger than 8 bytes"), message);
    assertEquals(published.get(0).eventId().toString(), header(dead, "de-event-id"));
    assertEquals(1, requests.size(), "no retry of a 413");
    assertTrue(handler.handled.isEmpty());
  }

  @Test
  void theProxyForwardsEveryVersionAsWrittenAndTheServiceUpcasts() {
    topic = unique("goods-shopping");
    serviceVersion = 2;
    startService(0, (exchange, seen) -> false);
    startProxy(new Properties());
    List<EventEnvelope> published = new ArrayList<>();
    for (EventEnvelope event : events(1, 4, 0)) {
      published.add(event.withSchemaVersion(published.size() < 2 ? 2 : 1));
    }

    publisher().publishAndWait(published);

    await(WAIT, "four events handled", () -> handler.handled.size() == 4);
    List<String> forwarded = requests.stream().map(r -> r[2]).toList();
    assertEquals(List.of("2", "2", "1", "1"), forwarded, "the version travels as written");
    for (EventEnvelope handled : handler.envelopes()) {
      assertEquals(2, handled.schemaVersion(), "the service upcast version 1");
    }
  }

  @Test
  void a503WithRetryAfterWaitsAsAsked() {
    topic = unique("goods-shopping");
    List<Long> times = new CopyOnWriteArrayList<>();
    startService(
        0,
        (exchange, seen) -> {
          times.add(System.nanoTime());
          if (seen == 0) {
            reply(exchange, 503, "maintenance", "2");
            return true;
          }
          return false;
        });
    startProxy(new Properties());

    publisher().publishAndWait(events(1, 1, 0));

    await(WAIT, "the event handled", () -> handler.handled.size() == 1);
    long gapMs = (times.get(1) - times.get(0)) / 1_000_000;
    assertTrue(gapMs >= 1_900, "waited " + gapMs + " ms, the backoff alone is 20 ms");
  }

  @Test
  void aRetryAfterLongerThanTheLongestBackoffIsCutToIt() {
    topic = unique("goods-shopping");
    List<Long> times = new CopyOnWriteArrayList<>();
    startService(
        0,
        (exchange, seen) -> {
          times.add(System.nanoTime());
          if (seen == 0) {
            reply(exchange, 503, "back in an hour", "3600");
            return true;
          }
          return false;
        });
    Properties settings = new Properties();
    settings.put("domainevents.retry.backoff.max.ms", "500");
    startProxy(settings);

    publisher().publishAndWait(events(1, 1, 0));

    await(WAIT, "the event handled", () -> handler.handled.size() == 1);
    long gapMs = (times.get(1) - times.get(0)) / 1_000_000;
    // Not the hour the service asked for: the proxy's own bound wins.
    assertTrue(gapMs < 60_000, "waited " + gapMs + " ms");
    assertTrue(gapMs >= 400, "waited " + gapMs + " ms, less than the longest backoff");
  }

  @Test
  void aServiceSlowerThanTheTimeoutGetsTheEventAgain() {
    topic = unique("goods-shopping");
    startService(
        0,
        (exchange, seen) -> {
          if (seen == 0) {
            Thread.sleep(1_500);
          }
          return false;
        });
    Properties settings = new Properties();
    settings.put("proxy.timeout.ms", "500");
    startProxy(settings);

    publisher().publishAndWait(events(1, 1, 0));

    await(
        WAIT,
        "the retried delivery handled",
        () -> requests.size() >= 2 && handler.handled.stream().anyMatch(c -> c.attempt() >= 2));
    assertEquals("1", requests.get(1)[1]);
  }

  @Test
  void aServiceStoppedForTwentySecondsMidStreamLosesNothing() throws Exception {
    topic = unique("goods-shopping");
    KAFKA.broker().createTopic(topic, 2);
    startService(0, (exchange, seen) -> false);
    int port = server.getAddress().getPort();
    Properties settings = new Properties();
    settings.put("domainevents.ordered", "true");
    settings.put("domainevents.retry.attempts", "1000");
    settings.put("domainevents.retry.backoff.max.ms", "500");
    settings.put("proxy.timeout.ms", "1000");
    startProxy(settings);
    KafkaInfra publisher = publisher();
    List<EventEnvelope> first = events(10, 10, 0);
    List<EventEnvelope> second = events(10, 10, 10);

    publisher.publishAndWait(first);
    await(WAIT, "the first half handled", () -> handler.handled.size() >= first.size());
    server.stop(0);
    publisher.publishAndWait(second);
    Thread.sleep(20_000);
    assertEquals(first.size(), handler.handled.size(), "nothing handled while down");
    startService(port, (exchange, seen) -> false);

    List<EventEnvelope> all = new ArrayList<>(first);
    all.addAll(second);
    await(WAIT, "everything handled", () -> handler.handled.size() >= all.size());
    assertEachOnceInOrder(all);
  }

  private static ConsumerRecord<byte[], byte[]> readOne(String topic) {
    Properties props = new Properties();
    props.put("bootstrap.servers", KAFKA.bootstrapServers());
    props.put("group.id", unique("reader"));
    props.put("auto.offset.reset", "earliest");
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          return record;
        }
      }
    }
    throw new AssertionError("nothing arrived on " + topic);
  }

  private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
    Header header = record.headers().lastHeader(name);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }
}
