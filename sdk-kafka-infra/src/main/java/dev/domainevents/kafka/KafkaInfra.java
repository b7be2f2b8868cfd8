package dev.domainevents.kafka;

import dev.domainevents.EventEnvelope;
import dev.domainevents.EventInterceptors;
import dev.domainevents.EventPublishException;
import dev.domainevents.EventType;
import dev.domainevents.json.JsonPayloadCodec;
import dev.domainevents.spi.DedupeStore;
import dev.domainevents.spi.DispatchTable;
import dev.domainevents.spi.DomainEventInfra;
import dev.domainevents.spi.EventCatalog;
import dev.domainevents.spi.EventDispatcher;
import dev.domainevents.spi.PayloadCodec;
import dev.domainevents.spi.Topics;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ships domain events through Kafka: the {@link DomainEventInfra} to install in production.
 *
 * <p>Build it in one of three ways, then install it once at startup:
 *
 * <pre>{@code
 * // 1. from the environment: KAFKA_BOOTSTRAP_SERVERS, plus any KAFKA_<KEY> (e.g. KAFKA_GROUP_ID)
 * KafkaInfra kafka = KafkaInfra.fromEnvironment();
 *
 * // 2. from a properties file
 * KafkaInfra kafka = KafkaInfra.fromProperties(Path.of("kafka.properties"));
 *
 * // 3. in code
 * Properties props = new Properties();
 * props.put("bootstrap.servers", "localhost:9092");
 * props.put("group.id", "shop");
 * KafkaInfra kafka = KafkaInfra.builder().properties(props).concurrency(3).build();
 *
 * DomainEvents.install(kafka, new StoreController(stock));
 * }</pre>
 *
 * <p>Every kafka-clients producer and consumer key ({@code ProducerConfig}, {@code ConsumerConfig})
 * passes through unchanged. The defaults are safe: {@code acks=all}, idempotence on, {@code
 * auto.offset.reset=earliest}, and offsets committed by the SDK only after handling ({@code
 * enable.auto.commit} cannot be turned on). The SDK's own settings start with {@code
 * domainevents.}:
 *
 * <ul>
 *   <li>{@code domainevents.consumer.concurrency} (1): consumers in this process, each owning some
 *       partitions and handling each partition's records in order;
 *   <li>{@code domainevents.retry.attempts} (3), {@code domainevents.retry.backoff.ms} (200),
 *       {@code domainevents.retry.backoff.max.ms} (5000): in-place attempts per delivery;
 *   <li>{@code domainevents.retry.topic.rounds} (2), {@code domainevents.retry.topic.delay.ms}
 *       (30000): non-blocking retries through {@code retry-<topic>}, then {@code fail-<topic>};
 *   <li>{@code domainevents.ordered} (false): keep per-aggregate order; no retry topic, only
 *       blocking retries, then the dead-letter topic;
 *   <li>{@code domainevents.dedupe.max.entries} (100000): the default {@link DedupeStore}'s size;
 *   <li>{@code domainevents.debug} (false): log every publish and consume, secrets redacted;
 *   <li>{@code domainevents.clusters} (one cluster, {@code default}): named clusters, the first is
 *       the default; {@code clusters.<name>.<kafka key>} overrides a key for one cluster, and
 *       {@code domainevents.route.<topic>=<name>} sends a topic to another cluster;
 *   <li>{@code domainevents.wire.format} ({@code domainevents}): the record headers, the SDK's own
 *       or CloudEvents binary mode ({@link WireFormat}); both are read either way;
 *   <li>{@code domainevents.close.timeout.ms} (10000).
 * </ul>
 *
 * <p>Consumers belong to the group {@code group.id} on the default cluster and subscribe to exactly
 * the topics of the events and plain topics that the installed handlers handle. A topic routed to
 * another cluster ({@code domainevents.route.<topic>}) is consumed there, by that cluster's own
 * consumers in its own group ({@code clusters.<name>.group.id}).
 */
public final class KafkaInfra implements DomainEventInfra {
  private static final Logger log = LoggerFactory.getLogger(KafkaInfra.class);
  private static final AtomicInteger INSTANCES = new AtomicInteger();

  private final KafkaSettings settings;
  private final DedupeStore dedupe;
  private final PayloadCodec payloadCodec;
  private final List<EventDispatcher> dispatchers = new ArrayList<>();
  private final List<KafkaEventConsumer> consumers = new ArrayList<>();
  private final Map<String, Producer<byte[], byte[]>> producers = new LinkedHashMap<>();
  private final int instance = INSTANCES.incrementAndGet();
  private volatile KafkaEventPublisher publisher;
  private volatile boolean closed;
  private EventCatalog catalog;

  private KafkaInfra(KafkaSettings settings, DedupeStore dedupe, PayloadCodec payloadCodec) {
    this.settings = settings;
    this.payloadCodec = payloadCodec == null ? JsonPayloadCodec.create() : payloadCodec;
    this.dedupe = dedupe == null ? DedupeStore.create(settings.dedupeMaxEntries) : dedupe;
    if (settings.debug) {
      for (KafkaSettings.Cluster cluster : settings.clusters) {
        log.info(
            "cluster {}: producer {} consumer {}",
            cluster.name(),
            Redaction.redact(cluster.producer()),
            Redaction.redact(cluster.consumer()));
      }
    }
  }

  /** Returns a builder; see the class documentation for the settings. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds an infra from a properties file of kafka-clients keys and SDK settings. */
  public static KafkaInfra fromProperties(Path file) {
    Objects.requireNonNull(file, "file");
    Properties properties = new Properties();
    try (InputStream in = Files.newInputStream(file)) {
      properties.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException("could not read Kafka settings from " + file, e);
    }
    return builder().properties(properties).build();
  }

  /**
   * Builds an infra from the environment. {@code KAFKA_BOOTSTRAP_SERVERS} is required. Every {@code
   * KAFKA_<KEY>} whose key, lower-cased with {@code _} read as {@code .}, is a kafka-clients
   * setting passes through (e.g. {@code KAFKA_GROUP_ID} → {@code group.id}), as do {@code
   * KAFKA_CLUSTERS_<NAME>_<KEY>} → {@code clusters.<name>.<key>} and {@code DOMAINEVENTS_<KEY>} →
   * {@code domainevents.<key>}.
   */
  public static KafkaInfra fromEnvironment() {
    return fromEnvironment(System.getenv());
  }

  static KafkaInfra fromEnvironment(Map<String, String> environment) {
    return builder().properties(propertiesFromEnvironment(environment)).build();
  }

  static Properties propertiesFromEnvironment(Map<String, String> environment) {
    if (environment.get("KAFKA_BOOTSTRAP_SERVERS") == null
        || environment.get("KAFKA_BOOTSTRAP_SERVERS").isBlank()) {
      throw new IllegalStateException(
          "KAFKA_BOOTSTRAP_SERVERS is not set; set it to the brokers, e.g."
              + " KAFKA_BOOTSTRAP_SERVERS=localhost:9092");
    }
    Set<String> known = new LinkedHashSet<>(ProducerConfig.configNames());
    known.addAll(ConsumerConfig.configNames());
    Properties properties = new Properties();
    for (Map.Entry<String, String> variable : environment.entrySet()) {
      String name = variable.getKey();
      String key;
      if (name.startsWith("KAFKA_")) {
        key = name.substring(6).toLowerCase(Locale.ROOT).replace('_', '.');
        boolean clusterKey = key.startsWith(KafkaSettings.CLUSTER_PREFIX);
        if (!clusterKey && !known.contains(key)) {
          continue; // e.g. KAFKA_HEAP_OPTS, meant for Kafka's scripts
        }
      } else if (name.startsWith("DOMAINEVENTS_")) {
        key = name.toLowerCase(Locale.ROOT).replace('_', '.');
      } else {
        continue;
      }
      properties.setProperty(key, variable.getValue());
    }
    return properties;
  }

  @Override
  public synchronized void subscribe(EventDispatcher dispatcher) {
    Objects.requireNonNull(dispatcher, "dispatcher");
    if (catalog != null) {
      throw new IllegalStateException("subscribe dispatchers before the infra is started");
    }
    dispatchers.add(dispatcher);
  }

  @Override
  public void start(EventCatalog catalog) {
    start(catalog, EventInterceptors.none());
  }

  /**
   * Starts with {@code interceptors} around every publish (system {@code kafka}, destination the
   * topic) and every delivery attempt, which they see as a {@link dev.domainevents.Delivery} with
   * its topic, partition, offset and group. With none, publishing and consuming take the direct
   * path.
   */
  @Override
  public synchronized void start(EventCatalog catalog, EventInterceptors interceptors) {
    Objects.requireNonNull(catalog, "catalog");
    Objects.requireNonNull(interceptors, "interceptors");
    if (this.catalog != null) {
      throw new IllegalStateException("KafkaInfra is already started");
    }
    if (closed) {
      throw new IllegalStateException("KafkaInfra is closed");
    }
    this.catalog = catalog;
    DispatchTable table = DispatchTable.of(dispatchers, interceptors, RecordOutcomes.SYSTEM);
    EnvelopeCodec codec = new EnvelopeCodec(payloadCodec, catalog, table, settings.wireFormat);
    Set<String> topics = subscribedTopics(catalog, table);
    try {
      Map<String, KafkaEventPublisher.ClusterProducer> clusterProducers = new LinkedHashMap<>();
      for (KafkaSettings.Cluster cluster : settings.clusters) {
        Map<String, Object> config = new HashMap<>(cluster.producer());
        String clientId = uniqueClientId(config.get(ProducerConfig.CLIENT_ID_CONFIG), "");
        config.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        warnIfUnsafe(cluster.name(), config);
        Producer<byte[], byte[]> producer =
            new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
        producers.put(cluster.name(), producer);
        clusterProducers.put(
            cluster.name(),
            new KafkaEventPublisher.ClusterProducer(
                cluster.name(), clientId, cluster.bootstrapServers(), producer));
      }
      publisher =
          new KafkaEventPublisher(
              clusterProducers,
              settings.defaultCluster().name(),
              settings.routes,
              codec,
              settings.debug,
              interceptors);
      if (!topics.isEmpty()) {
        startConsumers(codec, table, topics);
      }
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  private Set<String> subscribedTopics(EventCatalog catalog, DispatchTable table) {
    Set<String> topics = new LinkedHashSet<>();
    for (String event : table.events()) {
      EventType<?> type = catalog.find(event);
      if (type == null) {
        throw new IllegalStateException(
            "a handler handles \""
                + event
                + "\", which no generated EventRegistry registers;"
                + " compile the entity that raises it with sdk-processor, or fix the name");
      }
      topics.add(type.topic());
    }
    for (String topic : table.topics().keySet()) {
      String problem = Topics.problemWith(topic);
      if (problem != null) {
        throw new IllegalStateException("a handler's topic is illegal: " + problem);
      }
      topics.add(topic);
    }
    if (!topics.isEmpty() && !settings.ordered && settings.retryTopicRounds > 0) {
      for (String topic : List.copyOf(topics)) {
        topics.add(RetryTopicRouter.retryTopic(topic));
      }
    }
    return topics;
  }

  /**
   * A topic is consumed where it is published: on the cluster {@code domainevents.route.<topic>}
   * names (its retry topic with it), else on the default one. Each cluster that has topics runs its
   * own consumers, in the group its {@code group.id} names ({@code clusters.<name>.group.id}).
   */
  private void startConsumers(EnvelopeCodec codec, DispatchTable table, Set<String> topics) {
    Map<String, Set<String>> byCluster = new LinkedHashMap<>();
    String prefix = KafkaSettings.RETRY_TOPIC_PREFIX;
    for (String topic : topics) {
      String base =
          topic.startsWith(prefix) && topics.contains(topic.substring(prefix.length()))
              ? topic.substring(prefix.length())
              : topic;
      String cluster = settings.routes.getOrDefault(base, settings.defaultCluster().name());
      byCluster.computeIfAbsent(cluster, k -> new LinkedHashSet<>()).add(topic);
    }
    for (KafkaSettings.Cluster cluster : settings.clusters) {
      Set<String> clusterTopics = byCluster.get(cluster.name());
      if (clusterTopics != null) {
        startConsumers(codec, table, clusterTopics, cluster);
      }
    }
    consumers.forEach(KafkaEventConsumer::start);
  }

  private void startConsumers(
      EnvelopeCodec codec, DispatchTable table, Set<String> topics, KafkaSettings.Cluster cluster) {
    Object groupId = cluster.consumer().get(ConsumerConfig.GROUP_ID_CONFIG);
    String group = groupId == null ? null : groupId.toString();
    if (group == null) {
      throw new IllegalStateException(
          "handlers are subscribed but group.id is not set"
              + (cluster == settings.defaultCluster() ? "" : " for cluster " + cluster.name())
              + "; set group.id (KAFKA_GROUP_ID) to the service's name, e.g."
              + " builder().groupId(\"shop\")");
    }
    Producer<byte[], byte[]> routing = producers.get(cluster.name());
    long routingTimeout = routingTimeoutMs(cluster);
    DeadLetterRouter deadLetters = new DeadLetterRouter(routing, group, routingTimeout);
    RetryTopicRouter retries =
        settings.ordered || settings.retryTopicRounds == 0
            ? null
            : new RetryTopicRouter(routing, group, settings.retryTopicDelayMs, routingTimeout);
    for (int i = 1; i <= settings.concurrency; i++) {
      Map<String, Object> config = new HashMap<>(cluster.consumer());
      String clientId =
          uniqueClientId(config.get(ConsumerConfig.CLIENT_ID_CONFIG), "-consumer-" + i);
      config.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
      KafkaConsumer<byte[], byte[]> consumer =
          new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
      KafkaEventConsumer eventConsumer =
          new KafkaEventConsumer(
              consumer,
              topics,
              codec,
              table,
              dedupe,
              retries,
              deadLetters,
              group,
              settings,
              clientId,
              cluster.bootstrapServers());
      consumers.add(eventConsumer);
    }
    log.info(
        "KafkaInfra consuming {} as group {} with {} consumer(s) on cluster {} ({})",
        topics,
        group,
        settings.concurrency,
        cluster.name(),
        cluster.bootstrapServers());
  }

  private String uniqueClientId(Object configured, String suffix) {
    String base = configured == null ? "domainevents" : configured.toString();
    return base + "-" + instance + suffix;
  }

  private static long routingTimeoutMs(KafkaSettings.Cluster cluster) {
    Object delivery = cluster.producer().get(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG);
    long deliveryMs = delivery == null ? 120_000 : Long.parseLong(delivery.toString());
    return deliveryMs + 5_000;
  }

  private static void warnIfUnsafe(String cluster, Map<String, Object> config) {
    String acks = String.valueOf(config.get(ProducerConfig.ACKS_CONFIG));
    if (!acks.equals("all") && !acks.equals("-1")) {
      log.warn(
          "cluster {}: acks={} can lose acknowledged events; the safe value is all", cluster, acks);
    }
    if (!"true"
        .equalsIgnoreCase(String.valueOf(config.get(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG)))) {
      log.warn("cluster {}: idempotence is off; retries may duplicate or reorder events", cluster);
    }
  }

  /**
   * Publishes {@code events} in order, each to its registered topic on the default cluster (or the
   * cluster its topic is routed to). The future completes when the broker has acknowledged every
   * event, or fails with an {@link EventPublishException} naming the first that was not; during an
   * outage that is after the producer's {@code delivery.timeout.ms}. Nothing is dropped silently.
   *
   * <p>The future completes on the producer's I/O thread: attach slow work with {@code
   * thenRunAsync} and the like, not {@code thenRun}.
   *
   * <p>This call can block: the records are handed to Kafka's producer on the caller's thread, and
   * its {@code send()} waits for the topic's metadata. While no broker answers, {@code publish}
   * returns only after the producer's {@code max.block.ms} (60 s by default), with the future
   * already failed. Lower {@code max.block.ms} where callers must not wait that long. The send is
   * kept on the caller's thread, not handed to an executor, so that a batch's order and the
   * caller's back-pressure stay as Kafka gives them.
   */
  @Override
  public CompletableFuture<Void> publish(List<EventEnvelope> events) {
    Objects.requireNonNull(events, "events");
    return requirePublisher().publish(null, events);
  }

  /** Publishes like {@link #publish(List)} and blocks until every event is acknowledged. */
  public void publishAndWait(List<EventEnvelope> events) {
    await(publish(events));
  }

  /**
   * Returns the named cluster, to publish to it rather than the default one. Call it at startup: an
   * unknown name fails here, with the configured names, not later at publish time.
   *
   * @throws IllegalArgumentException if no cluster has that name
   */
  public NamedCluster cluster(String name) {
    Objects.requireNonNull(name, "name");
    requireClusterName(name);
    return new NamedCluster(this, name);
  }

  /**
   * Starts a plain message to {@code topic}, outside any entity, e.g. an integration message:
   *
   * <pre>{@code
   * kafka.message("event-sell", new SellMessage(id, 2))
   *     .header("x-action", "buy")
   *     .key(String.valueOf(id))
   *     .publish();
   * }</pre>
   *
   * Handlers receive it with {@code @EventHandler(topic = "event-sell")}.
   */
  public TopicMessage message(String topic, Object payload) {
    return new TopicMessage(this, topic, payload);
  }

  void requireClusterName(String name) {
    for (KafkaSettings.Cluster cluster : settings.clusters) {
      if (cluster.name().equals(name)) {
        return;
      }
    }
    List<String> names = new ArrayList<>();
    settings.clusters.forEach(c -> names.add(c.name()));
    throw new IllegalArgumentException(
        "unknown Kafka cluster \""
            + name
            + "\"; the configured clusters are "
            + names
            + " (domainevents.clusters)");
  }

  CompletableFuture<Void> publishTo(String cluster, List<EventEnvelope> events) {
    KafkaEventPublisher current = requirePublisher();
    return current.publish(cluster == null ? null : current.cluster(cluster), events);
  }

  private KafkaEventPublisher requirePublisher() {
    KafkaEventPublisher current = publisher;
    if (current == null || closed) {
      throw new IllegalStateException(
          closed
              ? "KafkaInfra is closed"
              : "KafkaInfra is not started; install it with DomainEvents.install(kafka, handlers...)");
    }
    return current;
  }

  static void await(CompletableFuture<Void> future) {
    try {
      future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EventPublishException("interrupted while waiting for Kafka to acknowledge", e);
    } catch (ExecutionException | CompletionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      if (cause instanceof EventPublishException publishException) {
        throw publishException;
      }
      throw new EventPublishException("publish failed: " + cause, cause);
    }
  }

  /** The partitions this process's consumers own right now. */
  Set<TopicPartition> assignment() {
    Set<TopicPartition> all = new LinkedHashSet<>();
    for (KafkaEventConsumer consumer : consumers) {
      all.addAll(consumer.assignment());
    }
    return all;
  }

  /**
   * How many records this process's consumers skipped because their event is not handled here, or
   * not known (a newer producer's): records on a subscribed topic, committed without a handler.
   */
  long skippedRecords() {
    long total = 0;
    for (KafkaEventConsumer consumer : consumers) {
      total += consumer.skipped();
    }
    return total;
  }

  List<KafkaEventConsumer> consumers() {
    return consumers;
  }

  /** Crash simulation for tests: stops the consumers without committing anything more. */
  synchronized void abortConsumers() {
    consumers.forEach(KafkaEventConsumer::abort);
  }

  /**
   * Stops consuming (committing what was handled and leaving the group), then flushes and closes
   * the producers, each within {@code domainevents.close.timeout.ms}.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (KafkaEventConsumer consumer : consumers) {
      try {
        consumer.close();
      } catch (RuntimeException e) {
        log.warn("closing a consumer failed", e);
      }
    }
    for (Map.Entry<String, Producer<byte[], byte[]>> producer : producers.entrySet()) {
      try {
        producer.getValue().close(settings.closeTimeout);
      } catch (RuntimeException e) {
        log.warn("closing the producer of cluster {} failed", producer.getKey(), e);
      }
    }
  }

  /** The clusters and group, without secrets. */
  @Override
  public String toString() {
    StringBuilder out = new StringBuilder("KafkaInfra{clusters=[");
    for (int i = 0; i < settings.clusters.size(); i++) {
      KafkaSettings.Cluster cluster = settings.clusters.get(i);
      out.append(i == 0 ? "" : ", ")
          .append(cluster.name())
          .append('=')
          .append(cluster.bootstrapServers());
    }
    return out.append("], group=").append(settings.groupId()).append('}').toString();
  }

  /**
   * Builds a {@link KafkaInfra}. Settings given by methods are the same keys the properties use;
   * what is set last wins.
   */
  public static final class Builder {
    private final Properties properties = new Properties();
    private final List<String> clusterNames = new ArrayList<>();
    private DedupeStore dedupeStore;
    private PayloadCodec payloadCodec;

    private Builder() {}

    /** Adds every key of {@code properties}: kafka-clients keys and SDK settings. */
    public Builder properties(Properties properties) {
      Objects.requireNonNull(properties, "properties");
      for (String key : properties.stringPropertyNames()) {
        property(key, properties.getProperty(key));
      }
      return this;
    }

    /** Sets one key: a kafka-clients key or an SDK setting. */
    public Builder property(String key, String value) {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(value, "value");
      if (key.equals(KafkaSettings.CLUSTERS)) {
        clusterNames.clear();
        for (String name : value.split(",", -1)) {
          clusterNames.add(name.trim());
        }
      }
      properties.setProperty(key, value);
      return this;
    }

    /** Sets {@code bootstrap.servers} of every cluster that does not override it. */
    public Builder bootstrapServers(String bootstrapServers) {
      return property(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    }

    /** Sets {@code group.id}: one consumer group per service. */
    public Builder groupId(String groupId) {
      return property(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    }

    /**
     * Adds a named cluster whose settings are {@code clusterProperties} on top of the shared ones.
     * The first cluster is the default.
     */
    public Builder cluster(String name, Properties clusterProperties) {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(clusterProperties, "clusterProperties");
      if (!KafkaSettings.isSimpleName(name)) {
        throw new IllegalArgumentException(
            "cluster name \"" + name + "\" must be letters, digits, '_' and '-'");
      }
      if (!clusterNames.contains(name)) {
        clusterNames.add(name);
      }
      properties.setProperty(KafkaSettings.CLUSTERS, String.join(",", clusterNames));
      for (String key : clusterProperties.stringPropertyNames()) {
        properties.setProperty(
            KafkaSettings.CLUSTER_PREFIX + name + "." + key, clusterProperties.getProperty(key));
      }
      return this;
    }

    /** Sets how many consumers this process runs; more than the partition count idle. */
    public Builder concurrency(int consumers) {
      return property(KafkaSettings.CONCURRENCY, Integer.toString(consumers));
    }

    /**
     * Keeps per-aggregate order: failed records are retried in place (blocking their partition),
     * then dead-lettered; no retry topic.
     */
    public Builder ordered(boolean ordered) {
      return property(KafkaSettings.ORDERED, Boolean.toString(ordered));
    }

    /** Logs every publish and consume, with secrets redacted. */
    public Builder debug(boolean debug) {
      return property(KafkaSettings.DEBUG, Boolean.toString(debug));
    }

    /** In-place attempts per delivery and the first backoff, doubled after each failure. */
    public Builder retry(int attempts, Duration backoff) {
      property(KafkaSettings.RETRY_ATTEMPTS, Integer.toString(attempts));
      return property(KafkaSettings.RETRY_BACKOFF_MS, Long.toString(backoff.toMillis()));
    }

    /** Rounds through the retry topic after the in-place attempts, and the delay of each. */
    public Builder retryTopic(int rounds, Duration delay) {
      property(KafkaSettings.RETRY_TOPIC_ROUNDS, Integer.toString(rounds));
      return property(KafkaSettings.RETRY_TOPIC_DELAY_MS, Long.toString(delay.toMillis()));
    }

    /** Replaces the default bounded in-memory {@link DedupeStore}. */
    public Builder dedupeStore(DedupeStore store) {
      this.dedupeStore = Objects.requireNonNull(store, "store");
      return this;
    }

    /**
     * Replaces the default {@link JsonPayloadCodec#create()}, e.g. with {@code
     * JsonPayloadCodec.create(yourObjectMapper)}. Producers and consumers of a topic must agree.
     */
    public Builder payloadCodec(PayloadCodec codec) {
      this.payloadCodec = Objects.requireNonNull(codec, "codec");
      return this;
    }

    /**
     * Sets how records carry the envelope: the SDK's {@code de-} headers, or CloudEvents binary
     * mode for consumers in other languages. Consumers read both formats either way.
     */
    public Builder wireFormat(WireFormat format) {
      Objects.requireNonNull(format, "format");
      return property(KafkaSettings.WIRE_FORMAT, format.property());
    }

    /**
     * Validates the settings and returns the infra, not yet started.
     *
     * @throws IllegalArgumentException naming the first bad setting: a missing {@code
     *     bootstrap.servers}, an unknown cluster name, an unknown {@code domainevents.} key
     */
    public KafkaInfra build() {
      return new KafkaInfra(KafkaSettings.parse(properties), dedupeStore, payloadCodec);
    }
  }
}
