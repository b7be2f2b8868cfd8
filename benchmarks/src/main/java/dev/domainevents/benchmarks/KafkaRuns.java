package dev.domainevents.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.domainevents.DomainEvents;
import dev.domainevents.EventInterceptors;
import dev.domainevents.kafka.EnvelopeHeaders;
import dev.domainevents.kafka.KafkaInfra;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The Kafka runs: each measures the SDK and the hand-written kafka-clients code a user would write
 * instead, with the same payloads, keys, headers and client settings.
 */
final class KafkaRuns {
  /**
   * The topic the SDK publishes {@code Basket:Checkout} and {@code Basket:Ping} to, its aggregate's
   * default topic: the raw consume peer must read the records the SDK consumer reads.
   */
  static final String CHECKOUT_TOPIC = BasketEvents.CHECKOUT.topic();

  /**
   * The raw publish peer's topic: its occurred-at header is epoch milliseconds, which the SDK's
   * consumer rightly rejects, so the consume runs must not read it.
   */
  static final String RAW_CHECKOUT_TOPIC = "raw.checkout";

  private static final int AGGREGATES = 100;

  private final String bootstrapServers;
  private final ObjectMapper mapper = new ObjectMapper().findAndRegisterModules();
  private final Purchase[] purchases = new Purchase[AGGREGATES];
  private int groups;

  KafkaRuns(String bootstrapServers) {
    this.bootstrapServers = bootstrapServers;
    for (int i = 0; i < AGGREGATES; i++) {
      purchases[i] = Purchase.sample(i);
    }
  }

  /** The producer settings both sides use. */
  Properties producerSettings() {
    Properties settings = new Properties();
    settings.setProperty("bootstrap.servers", bootstrapServers);
    settings.setProperty("acks", "all");
    settings.setProperty("enable.idempotence", "true");
    settings.setProperty("linger.ms", "5");
    settings.setProperty("batch.size", "65536");
    settings.setProperty("compression.type", "none");
    return settings;
  }

  private Properties consumerSettings(String group) {
    Properties settings = new Properties();
    settings.setProperty("bootstrap.servers", bootstrapServers);
    settings.setProperty("group.id", group);
    settings.setProperty("auto.offset.reset", "earliest");
    settings.setProperty("enable.auto.commit", "false");
    settings.setProperty("max.poll.records", "500");
    return settings;
  }

  /** Publishes {@code events} through the SDK; returns records per second. */
  double publishSdk(int events) throws InterruptedException {
    return publishSdk(events, EventInterceptors.defaults());
  }

  /** Publishes {@code events} through the SDK with {@code interceptors}; records per second. */
  double publishSdk(int events, EventInterceptors interceptors) throws InterruptedException {
    Properties settings = producerSettings();
    settings.setProperty("group.id", "publish-only");
    return SdkPublishRun.publish(
        KafkaInfra.builder().properties(settings).build(), interceptors, events, purchases);
  }

  /**
   * Publishes {@code events} with a hand-written {@code KafkaProducer}, as a careful user writes
   * it: a random UUID from the thread-local generator (not {@code UUID.randomUUID}'s secure one),
   * the occurred-at time as epoch milliseconds in decimal (no date formatting), the constant header
   * values encoded once. Records per second.
   */
  @SuppressWarnings("FutureReturnValueIgnored") // publish outcomes are counted in the callbacks
  double publishRaw(int events) throws Exception {
    Properties settings = producerSettings();
    ObjectWriter writer = mapper.writerFor(Purchase.class);
    byte[][] keys = new byte[AGGREGATES][];
    for (int i = 0; i < AGGREGATES; i++) {
      keys[i] = Integer.toString(i).getBytes(StandardCharsets.UTF_8);
    }
    byte[] name = bytes("Basket:Checkout");
    byte[] aggregateType = bytes("Basket");
    byte[] version = bytes("1");
    byte[] json = bytes(EnvelopeHeaders.JSON);
    AtomicReference<Exception> failure = new AtomicReference<>();
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(settings, new ByteArraySerializer(), new ByteArraySerializer())) {
      long start = System.nanoTime();
      for (int i = 0; i < events; i++) {
        int aggregate = i % AGGREGATES;
        ThreadLocalRandom random = ThreadLocalRandom.current();
        byte[] idBytes = bytes(new UUID(random.nextLong(), random.nextLong()).toString());
        RecordHeaders headers = new RecordHeaders();
        headers.add(EnvelopeHeaders.EVENT_ID, idBytes);
        headers.add(EnvelopeHeaders.EVENT_NAME, name);
        headers.add(EnvelopeHeaders.AGGREGATE_TYPE, aggregateType);
        headers.add(EnvelopeHeaders.AGGREGATE_ID, keys[aggregate]);
        headers.add(EnvelopeHeaders.OCCURRED_AT, bytes(Long.toString(System.currentTimeMillis())));
        headers.add(EnvelopeHeaders.CORRELATION_ID, idBytes);
        headers.add(EnvelopeHeaders.SCHEMA_VERSION, version);
        headers.add(EnvelopeHeaders.CONTENT_TYPE, json);
        byte[] value = writer.writeValueAsBytes(purchases[aggregate]);
        producer.send(
            new ProducerRecord<>(RAW_CHECKOUT_TOPIC, null, keys[aggregate], value, headers),
            (metadata, error) -> {
              if (error != null) {
                failure.compareAndSet(null, error);
              }
            });
      }
      producer.flush();
      long elapsed = System.nanoTime() - start;
      if (failure.get() != null) {
        throw failure.get();
      }
      return perSecond(events, elapsed);
    }
  }

  /**
   * Consumes and dispatches the first {@code events} records of the checkout topic with the SDK
   * consumer (at-least-once commits, dedupe on); records per second from the first to the last.
   */
  double consumeSdk(int events) throws InterruptedException {
    return consumeSdk(events, EventInterceptors.defaults(), installation -> {});
  }

  /**
   * Consumes like {@link #consumeSdk(int)} with {@code interceptors}; {@code installed} sees the
   * installation first (to bind gauges to it, say).
   */
  double consumeSdk(
      int events, EventInterceptors interceptors, Consumer<DomainEvents.Installation> installed)
      throws InterruptedException {
    Properties settings = consumerSettings("sdk-consume-" + (++groups));
    settings.remove("enable.auto.commit");
    CountingHandler handler = new CountingHandler(events);
    try (DomainEvents.Installation installation =
        DomainEvents.install(
            KafkaInfra.builder().properties(settings).build(), interceptors, handler)) {
      installed.accept(installation);
      if (!handler.done.await(10, TimeUnit.MINUTES)) {
        throw new IllegalStateException("the SDK consumer did not handle " + events + " events");
      }
      return handler.perSecond(events);
    }
  }

  /** Consumes {@code events} records with a hand-written poll loop; records per second. */
  double consumeRaw(int events) throws Exception {
    ObjectReader reader = mapper.readerFor(Purchase.class);
    CountingHandler handler = new CountingHandler(events);
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(
            consumerSettings("raw-consume-" + (++groups)),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(CHECKOUT_TOPIC));
      int seen = 0;
      while (seen < events) {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(200));
        for (ConsumerRecord<byte[], byte[]> record : records) {
          if (seen < events) {
            handler.onCheckout(reader.readValue(record.value()));
            seen++;
          }
        }
        if (!records.isEmpty()) {
          consumer.commitSync();
        }
      }
      return handler.perSecond(events);
    }
  }

  /**
   * Publishes {@code events} pings through the SDK at {@code ratePerSecond} and returns each
   * publish-to-handler latency in nanoseconds, sorted.
   */
  @SuppressWarnings("FutureReturnValueIgnored") // publish outcomes are counted in the callbacks
  long[] latency(int events, int ratePerSecond) throws InterruptedException {
    Properties settings = producerSettings();
    settings.setProperty("group.id", "latency-" + (++groups));
    settings.setProperty("auto.offset.reset", "latest");
    // The SDK sets no linger.ms of its own: Kafka's default (5 ms since Kafka 4.0) applies.
    settings.remove("linger.ms");
    LatencyHandler handler = new LatencyHandler(events);
    try (DomainEvents.Installation installation =
        DomainEvents.install(KafkaInfra.builder().properties(settings).build(), handler)) {
      Basket[] baskets = baskets();
      warmUpPing(baskets[0], handler);
      long interval = 1_000_000_000L / ratePerSecond;
      long next = System.nanoTime();
      for (int i = 0; i < events; i++) {
        LockSupport.parkNanos(next - System.nanoTime());
        next += interval;
        Basket basket = baskets[i % AGGREGATES];
        basket.ping(new Purchase(i, 1, Long.toString(System.nanoTime()), ""));
        DomainEvents.publish(basket);
      }
      if (!handler.done.await(2, TimeUnit.MINUTES)) {
        throw new IllegalStateException("not every ping arrived");
      }
    }
    long[] sorted = handler.latencies.clone();
    Arrays.sort(sorted);
    return sorted;
  }

  /** Waits until the consumer has joined its group, so the first pings do not wait for it. */
  static void warmUpPing(Basket basket, LatencyHandler handler) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!handler.warmedUp) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the latency consumer never received a warm-up ping");
      }
      basket.ping(new Purchase(-1, 1, Long.toString(System.nanoTime()), "warm-up"));
      DomainEvents.publish(basket).join();
      Thread.sleep(200);
    }
  }

  static Basket[] baskets() {
    Basket[] baskets = new Basket[AGGREGATES];
    for (int i = 0; i < AGGREGATES; i++) {
      baskets[i] = new Basket(Integer.toString(i));
    }
    return baskets;
  }

  private static byte[] bytes(String value) {
    return value.getBytes(StandardCharsets.UTF_8);
  }

  private static double perSecond(int events, long nanos) {
    return events * 1e9 / nanos;
  }
}
