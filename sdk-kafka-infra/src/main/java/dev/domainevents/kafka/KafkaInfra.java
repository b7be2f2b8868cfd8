package dev.domainevents.kafka;

import dev.domainevents.EventEnvelope;
import dev.domainevents.EventInterceptors;
import dev.domainevents.EventPublishException;
import dev.domainevents.InfraHealth;
import dev.domainevents.json.JsonPayloadCodec;
import dev.domainevents.spi.DedupeStore;
import dev.domainevents.spi.DispatchTable;
import dev.domainevents.spi.DomainEventInfra;
import dev.domainevents.spi.EventCatalog;
import dev.domainevents.spi.EventDispatcher;
import dev.domainevents.spi.NewerVersions;
import dev.domainevents.spi.PayloadCodec;
import dev.domainevents.spi.Topics;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
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
 *   <li>{@code domainevents.consumer.restart} (true), {@code
 *       domainevents.consumer.restart.backoff.ms} (1000), {@code
 *       domainevents.consumer.restart.backoff.max.ms} (60000): restart a consumer whose thread a
 *       fatal error killed, after a backoff doubling per consecutive failure; see {@link
 *       #health()};
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
 *   <li>{@code domainevents.newer.versions} ({@code dead-letter}): a record of a schema version
 *       newer than this service's goes to the dead-letter topic, or with {@code skip} is skipped
 *       and committed, with a warning once per event and version ({@link NewerVersions});
 *   <li>{@code domainevents.close.timeout.ms} (10000).
 * </ul>
 *
 * <p>Consumers belong to the group {@code group.id} on the default cluster and subscribe to exactly
 * the topics of the events and plain topics that the installed handlers handle. A topic routed to
 * another cluster ({@code domainevents.route.<topic>}) is consumed there, by that cluster's own
 * consumers in its own group ({@code clusters.<name>.group.id}). A handler can name the cluster it
 * consumes from: install {@code kafka.cluster("eu").handler(new Audit())} instead of the handler.
 */
public final class KafkaInfra implements DomainEventInfra {
  private static final Logger log = LoggerFactory.getLogger(KafkaInfra.class);
  private static final AtomicInteger INSTANCES = new AtomicInteger();

  private final KafkaSettings settings;
  private final DedupeStore dedupe;
  private final PayloadCodec payloadCodec;
  private final List<EventDispatcher> dispatchers = new ArrayList<>();
  // Filled once at start; read without the lock by health(), which must not wait for a close.
  private final List<SupervisedConsumer> consumers = new CopyOnWriteArrayList<>();
  private final Map<String, Producer<byte[], byte[]>> producers = new LinkedHashMap<>();
  private final int instance = INSTANCES.incrementAndGet();
  private volatile KafkaEventPublisher publisher;
  private volatile boolean closed;
  private volatile EventCatalog catalog;
  private ScheduledExecutorService restarts;

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
    List<EventDispatcher> unbound = new ArrayList<>();
    Map<String, List<EventDispatcher>> bound = new LinkedHashMap<>();
    for (EventDispatcher dispatcher : dispatchers) {
      if (dispatcher instanceof ClusterBoundDispatcher onCluster) {
        // A handler bound with another infra's NamedCluster: its name must be one of ours.
        requireClusterName(onCluster.cluster());
        onCluster.resolve(catalog);
        bound.computeIfAbsent(onCluster.cluster(), k -> new ArrayList<>()).add(onCluster);
      } else {
        unbound.add(dispatcher);
      }
    }
    DispatchTable table = DispatchTable.of(unbound, interceptors, RecordOutcomes.SYSTEM);
    EnvelopeCodec codec =
        new EnvelopeCodec(
            payloadCodec, catalog, table, settings.wireFormat, settings.newerVersions);
    Set<String> topics = subscribedTopics(catalog, table, true);
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
      if (!topics.isEmpty() || !bound.isEmpty()) {
        startConsumers(codec, table, unbound, topics, bound);
      }
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  private Set<String> subscribedTopics(
      EventCatalog catalog, DispatchTable table, boolean withRetryTopics) {
    Set<String> topics = new LinkedHashSet<>();
    for (String event : table.events()) {
      String topic = catalog.topicOf(event);
      if (topic == null) {
        throw new IllegalStateException(
            "a handler handles \""
                + event
                + "\", which no generated EventRegistry registers;"
                + " compile the entity that raises it with sdk-processor, or fix the name");
      }
      topics.add(topic);
    }
    for (String topic : table.topics().keySet()) {
      String problem = Topics.problemWith(topic);
      if (problem != null) {
        throw new IllegalStateException("a handler's topic is illegal: " + problem);
      }
      topics.add(topic);
    }
    if (withRetryTopics
        && !topics.isEmpty()
        && !settings.ordered
        && settings.retryTopicRounds > 0) {
      for (String topic : List.copyOf(topics)) {
        topics.add(RetryTopicRouter.retryTopic(topic));
      }
    }
    return topics;
  }

  /**
   * A topic is consumed where it is published: on the cluster {@code domainevents.route.<topic>}
   * names (its retry topic with it), else on the default one; but the topics of a handler bound to
   * a cluster ({@link NamedCluster#handler}) are consumed on that cluster, for that handler. Each
   * cluster that has topics runs its own consumers, in the group its {@code group.id} names ({@code
   * clusters.<name>.group.id}).
   */
  private void startConsumers(
      EnvelopeCodec codec,
      DispatchTable table,
      List<EventDispatcher> unbound,
      Set<String> topics,
      Map<String, List<EventDispatcher>> bound) {
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
      Set<String> routed = byCluster.getOrDefault(cluster.name(), Set.of());
      List<EventDispatcher> here = bound.get(cluster.name());
      if (here == null) {
        if (!routed.isEmpty()) {
          startConsumers(codec, table, routed, cluster);
        }
        continue;
      }
      // The bound handlers, and the others only for the topics routed here: a record of a topic
      // that the others consume on another cluster reaches them there, not twice.
      List<EventDispatcher> clusterHandlers = new ArrayList<>(here);
      for (EventDispatcher other : unbound) {
        EventDispatcher restricted = RestrictedDispatcher.to(other, catalog, routed);
        if (restricted != null) {
          clusterHandlers.add(restricted);
        }
      }
      DispatchTable clusterTable =
          DispatchTable.of(clusterHandlers, table.interceptors(), RecordOutcomes.SYSTEM);
      Set<String> clusterTopics = new LinkedHashSet<>(routed);
      clusterTopics.addAll(subscribedTopics(catalog, DispatchTable.of(here), true));
      startConsumers(
          new EnvelopeCodec(
              payloadCodec, catalog, clusterTable, settings.wireFormat, settings.newerVersions),
          clusterTable,
          clusterTopics,
          cluster);
    }
    consumers.forEach(SupervisedConsumer::start);
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
      // A restart after a fatal error builds a fresh Kafka consumer: a closed one cannot rejoin.
      consumers.add(
          new SupervisedConsumer(
              clientId,
              group,
              topics,
              settings,
              restartScheduler(),
              status ->
                  new KafkaEventConsumer(
                      new KafkaConsumer<>(
                          config, new ByteArrayDeserializer(), new ByteArrayDeserializer()),
                      topics,
                      codec,
                      table,
                      dedupe,
                      retries,
                      deadLetters,
                      group,
                      settings,
                      clientId,
                      cluster.bootstrapServers(),
                      status)));
    }
    log.info(
        "KafkaInfra consuming {} as group {} with {} consumer(s) on cluster {} ({})",
        topics,
        group,
        settings.concurrency,
        cluster.name(),
        cluster.bootstrapServers());
  }

  private ScheduledExecutorService restartScheduler() {
    if (restarts == null) {
      restarts =
          Executors.newSingleThreadScheduledExecutor(
              runnable -> {
                Thread thread = new Thread(runnable, "domainevents-" + instance + "-restarts");
                thread.setDaemon(true);
                return thread;
              });
    }
    return restarts;
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

  /**
   * Yes once started, for this infra's {@link Builder#payloadCodec payload codec} or one equal to
   * it, unless an interceptor runs around publishing: an outbox relay then ships stored payloads in
   * their stored bytes instead of decoding them for this infra to encode again.
   */
  @Override
  public boolean shipsEncodedPayloads(PayloadCodec codec) {
    KafkaEventPublisher current = publisher;
    return current != null && !closed && current.shipsEncodedPayloads(codec);
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
    for (SupervisedConsumer consumer : consumers) {
      all.addAll(consumer.current().assignment());
    }
    return all;
  }

  /**
   * How many records this process's consumers skipped because their event is not handled here, or
   * not known (a newer producer's): records on a subscribed topic, committed without a handler.
   */
  long skippedRecords() {
    long total = 0;
    for (SupervisedConsumer consumer : consumers) {
      total += consumer.skipped();
    }
    return total;
  }

  List<KafkaEventConsumer> consumers() {
    List<KafkaEventConsumer> current = new ArrayList<>();
    consumers.forEach(consumer -> current.add(consumer.current()));
    return current;
  }

  /** Crash simulation for tests: stops the consumers without committing anything more. */
  synchronized void abortConsumers() {
    consumers.forEach(SupervisedConsumer::abort);
  }

  /**
   * A snapshot of this infra's health: each consumer thread of every cluster (client id, group,
   * state, the cause of a stop or retry, restarts after fatal errors, assigned partitions with
   * their lag), the publisher, and counts: {@code publish.in-flight} and {@code publish.failed} in
   * total and per cluster ({@code cluster.<name>.publish.in-flight}, ...), and {@code
   * consume.skipped}.
   *
   * <p>Lag is each partition's distance from its end offset as the consumer last fetched it,
   * refreshed by the consumer's own thread about twice a second; {@code -1} until it is known.
   */
  @Override
  public InfraHealth health() {
    List<InfraHealth.Consumer> states = new ArrayList<>();
    List<SupervisedConsumer> slots = consumers;
    for (SupervisedConsumer consumer : slots) {
      states.add(consumer.status().snapshot());
    }
    Map<String, Long> counts = new LinkedHashMap<>();
    long inFlight = 0;
    long failed = 0;
    KafkaEventPublisher current = publisher;
    if (current != null) {
      for (KafkaEventPublisher.ClusterProducer cluster : current.clusters().values()) {
        long clusterInFlight = cluster.inFlight().sum();
        long clusterFailed = cluster.failed().sum();
        counts.put("cluster." + cluster.name() + ".publish.in-flight", clusterInFlight);
        counts.put("cluster." + cluster.name() + ".publish.failed", clusterFailed);
        inFlight += clusterInFlight;
        failed += clusterFailed;
      }
    }
    counts.put("publish.in-flight", inFlight);
    counts.put("publish.failed", failed);
    long skipped = 0;
    for (SupervisedConsumer consumer : slots) {
      skipped += consumer.skipped();
    }
    counts.put("consume.skipped", skipped);
    InfraHealth.Publisher publisherHealth =
        closed
            ? new InfraHealth.Publisher(InfraHealth.State.STOPPED, "closed", inFlight)
            : current == null
                ? new InfraHealth.Publisher(InfraHealth.State.STARTING, null, 0)
                : new InfraHealth.Publisher(InfraHealth.State.RUNNING, null, inFlight);
    return new InfraHealth("kafka", states, publisherHealth, counts);
  }

  /**
   * Pauses consumption of the topics that {@code handlerClass}'s handlers read (with their retry
   * topics), or of every topic when it is {@code null}, until {@link #resume}. Records stay in the
   * broker and nothing past them is committed; the consumers stay in their group. Other handlers of
   * a paused topic pause with it: a topic's records are read once for all its handlers. Pauses
   * outlive a consumer's restart and a rebalance. The health reports the consumer {@code PAUSED}.
   *
   * @throws IllegalArgumentException if no installed handler is of {@code handlerClass}
   * @throws IllegalStateException if the infra is not started
   */
  @Override
  public void pause(Class<?> handlerClass) {
    List<SupervisedConsumer> started = startedConsumers();
    Set<String> topics = topicsOf(handlerClass, true);
    for (SupervisedConsumer consumer : started) {
      consumer.status().pause(topics);
    }
  }

  /**
   * Resumes what {@link #pause} paused: {@code handlerClass}'s topics, or all when {@code null}.
   */
  @Override
  public void resume(Class<?> handlerClass) {
    List<SupervisedConsumer> started = startedConsumers();
    Set<String> topics = topicsOf(handlerClass, true);
    for (SupervisedConsumer consumer : started) {
      consumer.status().resume(topics);
    }
  }

  /**
   * Replays from the start: seeks the partitions of {@code handlerClass}'s topics (every topic when
   * {@code null}) that this process's consumers own to their beginning, and commits there, so that
   * every record still in the topic is delivered again. Retry topics are left where they are.
   *
   * <p>A dedupe store remembers the events it saw: the replayed ones that it still remembers are
   * skipped as duplicates, not handled again. To run the handlers again, configure {@code
   * DedupeStore.none()} or a store that has forgotten them. In a group spread over several
   * processes, each seeks only the partitions it owns.
   *
   * @return completes once every consumer has sought; a consumer stopped on a fatal error seeks
   *     once restarted
   */
  public CompletableFuture<Void> seekToBeginning(Class<?> handlerClass) {
    return seek(handlerClass, null);
  }

  /**
   * Replays from a point in time: like {@link #seekToBeginning}, but to each partition's first
   * record with a timestamp at or after {@code timestamp} (its end when none is).
   */
  public CompletableFuture<Void> seekToTimestamp(Instant timestamp, Class<?> handlerClass) {
    Objects.requireNonNull(timestamp, "timestamp");
    return seek(handlerClass, timestamp);
  }

  private CompletableFuture<Void> seek(Class<?> handlerClass, Instant timestamp) {
    List<SupervisedConsumer> started = startedConsumers();
    Set<String> topics = topicsOf(handlerClass, false);
    List<CompletableFuture<Void>> seeks = new ArrayList<>();
    for (SupervisedConsumer consumer : started) {
      seeks.add(consumer.status().seek(topics, timestamp));
    }
    return CompletableFuture.allOf(seeks.toArray(CompletableFuture[]::new));
  }

  private List<SupervisedConsumer> startedConsumers() {
    if (catalog == null || closed) {
      throw new IllegalStateException(
          closed ? "KafkaInfra is closed" : "KafkaInfra is not started");
    }
    return consumers;
  }

  /**
   * The topics {@code handlerClass}'s handlers read, with their retry topics if asked; {@code null}
   * (every topic) for a {@code null} class.
   */
  private Set<String> topicsOf(Class<?> handlerClass, boolean withRetryTopics) {
    if (handlerClass == null) {
      return withRetryTopics
          ? null
          : subscribedTopics(catalog, DispatchTable.of(dispatchers), false);
    }
    List<EventDispatcher> matching = new ArrayList<>();
    for (EventDispatcher dispatcher : dispatchers) {
      if (dispatcher.dispatchesTo(handlerClass)) {
        matching.add(dispatcher);
      }
    }
    if (matching.isEmpty()) {
      throw new IllegalArgumentException(
          "no installed handler is a "
              + handlerClass.getName()
              + "; pass one of the handlers' classes, or null for all");
    }
    return subscribedTopics(catalog, DispatchTable.of(matching), withRetryTopics);
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
    for (SupervisedConsumer consumer : consumers) {
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
    if (restarts != null) {
      restarts.shutdownNow();
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

    /**
     * How batch handlers, those taking a {@code List} of payloads, are fed: at most {@code maxSize}
     * records of one event per call (default 500), and a batch waits at most {@code maxWait} for
     * more records after its first (default 200 ms).
     */
    public Builder batch(int maxSize, Duration maxWait) {
      property(KafkaSettings.BATCH_MAX_SIZE, Integer.toString(maxSize));
      return property(KafkaSettings.BATCH_MAX_WAIT_MS, Long.toString(maxWait.toMillis()));
    }

    /**
     * Skips records written with a schema version newer than this service's, committing past them
     * with a warning once per event and version, instead of sending them to the dead-letter topic
     * (the default). Sets {@code domainevents.newer.versions}.
     */
    public Builder skipNewerVersions(boolean skip) {
      return property(
          KafkaSettings.NEWER_VERSIONS,
          (skip ? NewerVersions.skip() : NewerVersions.deadLetter()).value());
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
