package dev.domainevents.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.domainevents.EventEnvelope;
import dev.domainevents.EventType;
import dev.domainevents.json.JsonPayloadCodec;
import dev.domainevents.kafka.KafkaInfra;
import dev.domainevents.spi.DedupeStore;
import dev.domainevents.spi.DomainEventInfra;
import dev.domainevents.spi.EventCatalog;
import dev.domainevents.spi.EventDispatcher;
import dev.domainevents.spi.EventRegistry;
import dev.domainevents.test.kafka.EmbeddedKafkaExtension;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every outbox test of {@link OutboxContract}, with the relay shipping to a real Kafka broker
 * (KRaft, in a child JVM) and a real {@link KafkaInfra} consumer handing the events to the
 * recorder, plus what only a real broker can show: a stopped and restarted broker, and the SDK's
 * own dedupe of a redelivery.
 *
 * <p>Each test gets its own topic (three partitions, keyed by aggregate) and consumer group, so
 * tests sharing the class's broker never see each other's events. The consumer's dedupe is off
 * unless a test turns it on, so that the recorder sees every redelivery and the contract's "exactly
 * once after dedupe" assertions count them.
 */
abstract class KafkaOutboxContract extends OutboxContract {
  @RegisterExtension static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

  private static final AtomicInteger TESTS = new AtomicInteger();

  private EventCatalog catalog;
  private String topic;
  SwitchableDedupe dedupe;

  @Override
  DomainEventInfra newInfra() {
    String name = "outbox-kafka-" + TESTS.incrementAndGet() + "-" + System.nanoTime() % 100_000;
    topic = name.replace('-', '.');
    KAFKA.broker().createTopic(topic, 3);
    catalog = catalogFor(topic);
    dedupe = new SwitchableDedupe();
    Properties settings = new Properties();
    settings.put("bootstrap.servers", KAFKA.bootstrapServers());
    settings.put("group.id", name);
    settings.put("linger.ms", "2");
    // React in seconds, not minutes, when the test stops the broker.
    settings.put("delivery.timeout.ms", "4000");
    settings.put("request.timeout.ms", "1500");
    settings.put("max.block.ms", "2000");
    settings.put("reconnect.backoff.max.ms", "500");
    settings.put("retry.backoff.max.ms", "500");
    // Keep the topic's metadata through an outage, so that sends queue up and expire after
    // delivery.timeout.ms. (Refreshing it instead makes each send() block for max.block.ms, one
    // event after the other, and a batch takes that many times as long to fail.)
    settings.put("metadata.max.age.ms", "300000");
    settings.put("metadata.recovery.strategy", "none");
    settings.put("session.timeout.ms", "6000");
    settings.put("heartbeat.interval.ms", "500");
    settings.put("max.poll.interval.ms", "20000");
    settings.put("domainevents.ordered", "true");
    settings.put("domainevents.retry.backoff.ms", "20");
    settings.put("domainevents.close.timeout.ms", "5000");
    return KafkaInfra.builder().properties(settings).dedupeStore(dedupe).build();
  }

  @Override
  EventCatalog catalog() {
    return catalog;
  }

  @Override
  OutboxRelay.Builder relay() {
    // Above the producer's delivery.timeout.ms, so that an outage fails the attempt in Kafka
    // first, with Kafka's reason.
    return super.relay().publishTimeout(Duration.ofSeconds(8));
  }

  /** Goods:Sell on {@code topic}: the allowlist the relay encodes and the consumer decodes with. */
  private static EventCatalog catalogFor(String topic) {
    EventType<Goods.Sold> sell =
        EventType.of(Goods.SELL.name(), Goods.Sold.class, topic, Goods.SELL.schemaVersion());
    return EventCatalog.of(
        new EventRegistry() {
          @Override
          public List<EventType<?>> eventTypes() {
            return List.of(sell);
          }

          @Override
          public EventDispatcher dispatcherFor(Object handler) {
            return null;
          }
        });
  }

  @Test
  void brokerStoppedAndRestartedEventsWaitInTheOutboxThenAllArriveInOrder() throws Exception {
    started(relay().retryStrategy(RetryStrategy.interval(1_000, Duration.ofMillis(100))).build());
    Goods apple = new Goods("apple");
    Goods pear = new Goods("pear");
    sellAndCommit(3, apple, pear);
    assertEquals(6, recorder.awaitDistinct(6, WAIT).size(), "shipped while the broker is up");
    awaitCount("status = " + OutboxRows.SENT, 6);

    KAFKA.broker().stop();
    try {
      sellAndCommit(10, apple, pear);
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (maxAttempts() < 2 && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertTrue(maxAttempts() >= 2, "the relay kept trying while the broker was down");
      assertEquals(
          20, database().count("status = " + OutboxRows.PENDING), "all wait in the outbox");
      assertEquals(0, database().count("status = " + OutboxRows.FAILED));
      assertEquals(6, recorder.deduped().size(), "nothing new arrived during the outage");
    } finally {
      KAFKA.broker().start();
    }

    assertEquals(26, recorder.awaitDistinct(26, Duration.ofSeconds(60)).size());
    assertEquals(2, recorder.assertOrderPerAggregate());
    awaitCount("status = " + OutboxRows.SENT, 26);
  }

  @Test
  void relayKilledBetweenSendAndMarkTheSdkConsumerDedupesTheRedelivery() throws Exception {
    dedupe.enabled = true;
    Goods goods = new Goods("apple");
    sellAndCommit(5, goods);
    AtomicBoolean crash = new AtomicBoolean(true);
    OutboxRelay dying =
        relay()
            .afterPublish(
                events -> {
                  if (crash.getAndSet(false)) {
                    throw new SimulatedCrash();
                  }
                })
            .build();
    assertThrows(SimulatedCrash.class, dying::pollOnce);
    List<EventEnvelope> first = recorder.awaitDistinct(5, WAIT);

    assertEquals(5, relay().build().pollOnce(), "the next relay ships all five again");
    for (EventEnvelope event : first) {
      assertEquals(2, infra.attempts(event.eventId()), "acknowledged by the broker twice");
    }
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (dedupe.skipped.get() < 5 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertEquals(5, dedupe.skipped.get(), "the consumer recognised each redelivered event");
    assertEquals(5, recorder.deliveries().size(), "the handler saw each event exactly once");
    recorder.assertOrderPerAggregate();
    assertEquals(5, database().count("status = " + OutboxRows.SENT));
  }

  @Test
  void aStoredPayloadIsShippedInTheBytesItWasStoredIn() throws Exception {
    sellAndCommit(1, new Goods("apple"));
    // A property Sold does not have: decoding the payload and encoding it again would drop it.
    String stored = "{\"sku\":\"apple\",\"seq\":1,\"note\":\"kept\"}";
    storePayload(stored);
    assertTrue(
        infra.shipsEncodedPayloads(outbox.codec()),
        "a started KafkaInfra with the outbox's codec and no publish interceptor");
    assertEquals(1, relay().build().pollOnce());
    assertEquals(stored, valueOnTopic(), "the stored bytes, not a decoded and encoded copy");
    assertEquals(new Goods.Sold("apple", 1), recorder.awaitDistinct(1, WAIT).get(0).payload());
  }

  @Test
  void aPayloadStoredWithAnotherCodecIsDecodedAndEncodedWithTheInfrasOwn() throws Exception {
    JdbcOutbox other =
        JdbcOutbox.create(
            JsonPayloadCodec.create(
                new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)));
    Goods goods = new Goods("apple");
    goods.sell();
    other.inTransaction(dataSource(), connection -> other.write(connection, goods));
    storePayload("{\"sku\":\"apple\",\"seq\":1,\"note\":\"dropped\"}");
    assertTrue(!infra.shipsEncodedPayloads(other.codec()), "another mapper: not the same bytes");
    assertEquals(
        1,
        OutboxRelay.builder(dataSource(), other)
            .publishTimeout(Duration.ofSeconds(8))
            .build()
            .pollOnce());
    assertEquals("{\"sku\":\"apple\",\"seq\":1}", valueOnTopic());
    assertEquals(new Goods.Sold("apple", 1), recorder.awaitDistinct(1, WAIT).get(0).payload());
  }

  /** Replaces the stored payload of every row, as text. */
  private void storePayload(String json) throws SQLException {
    try (Connection connection = dataSource().getConnection();
        PreparedStatement update =
            connection.prepareStatement("UPDATE domain_event_outbox SET payload = ?")) {
      update.setString(1, json);
      assertEquals(1, update.executeUpdate());
    }
  }

  /** The value of the first record on this test's topic, as the broker holds it. */
  private String valueOnTopic() {
    Properties settings = new Properties();
    settings.put("bootstrap.servers", KAFKA.bootstrapServers());
    settings.put("group.id", "raw-" + topic);
    settings.put("auto.offset.reset", "earliest");
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(settings, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (System.nanoTime() < deadline) {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(200));
        if (!records.isEmpty()) {
          return new String(records.iterator().next().value(), StandardCharsets.UTF_8);
        }
      }
    }
    throw new AssertionError("no record arrived on " + topic);
  }

  /**
   * The SDK's default in-memory dedupe store, switched off unless a test turns it on; counts the
   * deliveries it made the consumer skip.
   */
  static final class SwitchableDedupe implements DedupeStore {
    private final DedupeStore delegate = DedupeStore.create();
    final AtomicInteger skipped = new AtomicInteger();
    volatile boolean enabled;

    @Override
    public boolean contains(String consumerGroup, UUID eventId) {
      boolean seen = enabled && delegate.contains(consumerGroup, eventId);
      if (seen) {
        skipped.incrementAndGet();
      }
      return seen;
    }

    @Override
    public void add(String consumerGroup, UUID eventId) {
      delegate.add(consumerGroup, eventId);
    }
  }
}
