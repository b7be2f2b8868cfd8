package dev.domainevents.kafka;

import dev.domainevents.spi.NewerVersions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * The parsed, validated configuration of a {@link KafkaInfra}: kafka-clients keys as given, and the
 * SDK's own {@code domainevents.*} and {@code clusters.<name>.*} keys.
 */
final class KafkaSettings {
  static final String PREFIX = "domainevents.";
  static final String CLUSTERS = "domainevents.clusters";
  static final String CLUSTER_PREFIX = "clusters.";
  static final String ROUTE_PREFIX = "domainevents.route.";
  static final String DEBUG = "domainevents.debug";
  static final String CONCURRENCY = "domainevents.consumer.concurrency";
  static final String CONSUMER_RESTART = "domainevents.consumer.restart";
  static final String CONSUMER_RESTART_BACKOFF_MS = "domainevents.consumer.restart.backoff.ms";
  static final String CONSUMER_RESTART_BACKOFF_MAX_MS =
      "domainevents.consumer.restart.backoff.max.ms";
  static final String RETRY_ATTEMPTS = "domainevents.retry.attempts";
  static final String RETRY_BACKOFF_MS = "domainevents.retry.backoff.ms";
  static final String RETRY_BACKOFF_MAX_MS = "domainevents.retry.backoff.max.ms";
  static final String RETRY_TOPIC_ROUNDS = "domainevents.retry.topic.rounds";
  static final String RETRY_TOPIC_DELAY_MS = "domainevents.retry.topic.delay.ms";
  static final String ORDERED = "domainevents.ordered";
  static final String DEDUPE_MAX_ENTRIES = "domainevents.dedupe.max.entries";
  static final String CLOSE_TIMEOUT_MS = "domainevents.close.timeout.ms";
  static final String WIRE_FORMAT = "domainevents.wire.format";
  static final String BATCH_MAX_SIZE = "domainevents.batch.max.size";
  static final String BATCH_MAX_WAIT_MS = "domainevents.batch.max.wait.ms";
  static final int BATCH_SIZE_LIMIT = 100_000;
  static final long BATCH_WAIT_LIMIT_MS = 60_000;
  static final String NEWER_VERSIONS = NewerVersions.SETTING;
  static final String DEFAULT_CLUSTER = "default";
  static final String RETRY_TOPIC_PREFIX = "retry-";
  static final String DEAD_LETTER_PREFIX = "fail-";

  private static final Set<String> KNOWN =
      Set.of(
          CLUSTERS,
          DEBUG,
          CONCURRENCY,
          CONSUMER_RESTART,
          CONSUMER_RESTART_BACKOFF_MS,
          CONSUMER_RESTART_BACKOFF_MAX_MS,
          RETRY_ATTEMPTS,
          RETRY_BACKOFF_MS,
          RETRY_BACKOFF_MAX_MS,
          RETRY_TOPIC_ROUNDS,
          RETRY_TOPIC_DELAY_MS,
          ORDERED,
          DEDUPE_MAX_ENTRIES,
          CLOSE_TIMEOUT_MS,
          WIRE_FORMAT,
          BATCH_MAX_SIZE,
          BATCH_MAX_WAIT_MS,
          NEWER_VERSIONS);

  /** One named Kafka cluster and the client configs to reach it. */
  record Cluster(String name, Map<String, Object> producer, Map<String, Object> consumer) {
    String bootstrapServers() {
      return String.valueOf(producer.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG));
    }
  }

  final List<Cluster> clusters;
  final Map<String, String> routes;
  final boolean debug;
  final int concurrency;
  final boolean consumerRestart;
  final long consumerRestartBackoffMs;
  final long consumerRestartBackoffMaxMs;
  final int retryAttempts;
  final long retryBackoffMs;
  final long retryBackoffMaxMs;
  final int retryTopicRounds;
  final long retryTopicDelayMs;
  final boolean ordered;
  final int dedupeMaxEntries;
  final Duration closeTimeout;
  final WireFormat wireFormat;
  final int batchMaxSize;
  final long batchMaxWaitMs;
  final NewerVersions newerVersions;

  private KafkaSettings(Properties properties) {
    Map<String, String> all = new LinkedHashMap<>();
    for (String key : properties.stringPropertyNames()) {
      all.put(key, properties.getProperty(key).trim());
    }
    Map<String, String> base = new LinkedHashMap<>();
    Map<String, String> routes = new LinkedHashMap<>();
    for (Map.Entry<String, String> entry : all.entrySet()) {
      String key = entry.getKey();
      if (key.startsWith(ROUTE_PREFIX)) {
        routes.put(key.substring(ROUTE_PREFIX.length()), entry.getValue());
      } else if (key.startsWith(PREFIX)) {
        if (!KNOWN.contains(key)) {
          throw new IllegalArgumentException(
              "unknown setting "
                  + key
                  + "; the SDK's settings are "
                  + new TreeSet<>(KNOWN)
                  + " and "
                  + ROUTE_PREFIX
                  + "<topic>");
        }
      } else if (!key.startsWith(CLUSTER_PREFIX)) {
        base.put(key, entry.getValue());
      }
    }

    List<String> names = clusterNames(all.get(CLUSTERS));
    for (String key : all.keySet()) {
      if (key.startsWith(CLUSTER_PREFIX)) {
        String rest = key.substring(CLUSTER_PREFIX.length());
        int dot = rest.indexOf('.');
        String name = dot < 0 ? rest : rest.substring(0, dot);
        if (dot < 0 || !names.contains(name)) {
          throw new IllegalArgumentException(
              "setting "
                  + key
                  + " names cluster \""
                  + name
                  + "\", which is not listed in "
                  + CLUSTERS
                  + " "
                  + names
                  + "; list it there, e.g. "
                  + CLUSTERS
                  + "="
                  + String.join(",", names)
                  + ","
                  + name);
        }
      }
    }
    List<Cluster> clusters = new ArrayList<>();
    for (String name : names) {
      Map<String, String> merged = new LinkedHashMap<>(base);
      String prefix = CLUSTER_PREFIX + name + ".";
      for (Map.Entry<String, String> entry : all.entrySet()) {
        if (entry.getKey().startsWith(prefix)) {
          merged.put(entry.getKey().substring(prefix.length()), entry.getValue());
        }
      }
      clusters.add(cluster(name, merged));
    }
    this.clusters = List.copyOf(clusters);
    for (Map.Entry<String, String> route : routes.entrySet()) {
      if (!names.contains(route.getValue())) {
        throw new IllegalArgumentException(
            ROUTE_PREFIX
                + route.getKey()
                + " names unknown cluster \""
                + route.getValue()
                + "\"; the clusters are "
                + names);
      }
    }
    this.routes = Collections.unmodifiableMap(routes);
    this.debug = bool(all, DEBUG, false);
    this.concurrency = integer(all, CONCURRENCY, 1, 1);
    this.consumerRestart = bool(all, CONSUMER_RESTART, true);
    this.consumerRestartBackoffMs = longValue(all, CONSUMER_RESTART_BACKOFF_MS, 1_000);
    this.consumerRestartBackoffMaxMs =
        Math.max(consumerRestartBackoffMs, longValue(all, CONSUMER_RESTART_BACKOFF_MAX_MS, 60_000));
    this.retryAttempts = integer(all, RETRY_ATTEMPTS, 3, 1);
    this.retryBackoffMs = longValue(all, RETRY_BACKOFF_MS, 200);
    this.retryBackoffMaxMs = Math.max(retryBackoffMs, longValue(all, RETRY_BACKOFF_MAX_MS, 5_000));
    this.retryTopicRounds = integer(all, RETRY_TOPIC_ROUNDS, 2, 0);
    this.retryTopicDelayMs = longValue(all, RETRY_TOPIC_DELAY_MS, 30_000);
    this.ordered = bool(all, ORDERED, false);
    this.dedupeMaxEntries = integer(all, DEDUPE_MAX_ENTRIES, 100_000, 1);
    this.closeTimeout = Duration.ofMillis(longValue(all, CLOSE_TIMEOUT_MS, 10_000));
    this.batchMaxSize = integer(all, BATCH_MAX_SIZE, 500, 1);
    this.batchMaxWaitMs = longValue(all, BATCH_MAX_WAIT_MS, 200);
    if (batchMaxSize > BATCH_SIZE_LIMIT || batchMaxWaitMs > BATCH_WAIT_LIMIT_MS) {
      // A batch is held in memory and blocks its partitions while it fills.
      throw new IllegalArgumentException(
          BATCH_MAX_SIZE
              + "="
              + batchMaxSize
              + ", "
              + BATCH_MAX_WAIT_MS
              + "="
              + batchMaxWaitMs
              + ": a batch holds at most "
              + BATCH_SIZE_LIMIT
              + " records and waits at most "
              + BATCH_WAIT_LIMIT_MS
              + " ms");
    }
    String wireFormat = all.get(WIRE_FORMAT);
    this.wireFormat = wireFormat == null ? WireFormat.DOMAINEVENTS : WireFormat.of(wireFormat);
    this.newerVersions = NewerVersions.of(all.get(NEWER_VERSIONS));
  }

  static KafkaSettings parse(Properties properties) {
    return new KafkaSettings(properties);
  }

  Cluster defaultCluster() {
    return clusters.get(0);
  }

  /** The group id of the default cluster's consumer, or {@code null}. */
  String groupId() {
    Object group = defaultCluster().consumer().get(ConsumerConfig.GROUP_ID_CONFIG);
    return group == null || group.toString().isBlank() ? null : group.toString();
  }

  private static List<String> clusterNames(String list) {
    if (list == null || list.isBlank()) {
      return List.of(DEFAULT_CLUSTER);
    }
    List<String> names = new ArrayList<>();
    for (String part : list.split(",", -1)) {
      String name = part.trim();
      if (name.isEmpty() || !isSimpleName(name)) {
        throw new IllegalArgumentException(
            CLUSTERS
                + "="
                + list
                + ": cluster names are comma-separated letters, digits, '_' and"
                + " '-'");
      }
      if (names.contains(name)) {
        throw new IllegalArgumentException(CLUSTERS + "=" + list + " lists " + name + " twice");
      }
      names.add(name);
    }
    return List.copyOf(names);
  }

  static boolean isSimpleName(String name) {
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '_'
              || c == '-';
      if (!ok) {
        return false;
      }
    }
    return !name.isEmpty();
  }

  private static Cluster cluster(String name, Map<String, String> merged) {
    String bootstrap = merged.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG);
    if (bootstrap == null || bootstrap.isBlank()) {
      throw new IllegalArgumentException(
          "cluster \""
              + name
              + "\" has no bootstrap.servers; set bootstrap.servers"
              + (DEFAULT_CLUSTER.equals(name)
                  ? ""
                  : " or " + CLUSTER_PREFIX + name + ".bootstrap.servers")
              + " (from the environment: KAFKA_BOOTSTRAP_SERVERS)");
    }
    for (String own :
        List.of(
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
            ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
            ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG)) {
      if (merged.containsKey(own)) {
        throw new IllegalArgumentException(
            own + " is set by KafkaInfra (keys are aggregate ids, values JSON); remove it");
      }
    }
    if ("true".equalsIgnoreCase(merged.get(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG))) {
      throw new IllegalArgumentException(
          "enable.auto.commit=true would commit offsets before handlers ran and lose events on a"
              + " crash; KafkaInfra commits itself, after handling. Remove the setting");
    }
    Set<String> producerKeys = ProducerConfig.configNames();
    Set<String> consumerKeys = ConsumerConfig.configNames();
    Map<String, Object> producer = new LinkedHashMap<>();
    Map<String, Object> consumer = new LinkedHashMap<>();
    // Safe defaults first; the user's keys pass through unchanged and win.
    producer.put(ProducerConfig.ACKS_CONFIG, "all");
    producer.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    producer.put(ProducerConfig.CLIENT_ID_CONFIG, "domainevents-" + name);
    consumer.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    for (Map.Entry<String, String> entry : merged.entrySet()) {
      String key = entry.getKey();
      boolean forProducer = producerKeys.contains(key);
      boolean forConsumer = consumerKeys.contains(key);
      if (forProducer || !forConsumer) {
        producer.put(key, entry.getValue());
      }
      if (forConsumer || !forProducer) {
        consumer.put(key, entry.getValue());
      }
    }
    consumer.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    if (!consumer.containsKey(ConsumerConfig.CLIENT_ID_CONFIG)) {
      consumer.put(ConsumerConfig.CLIENT_ID_CONFIG, producer.get(ProducerConfig.CLIENT_ID_CONFIG));
    }
    return new Cluster(
        name, Collections.unmodifiableMap(producer), Collections.unmodifiableMap(consumer));
  }

  private static boolean bool(Map<String, String> all, String key, boolean fallback) {
    String value = all.get(key);
    if (value == null) {
      return fallback;
    }
    if (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false")) {
      return Boolean.parseBoolean(value);
    }
    throw new IllegalArgumentException(key + "=" + value + ": expected true or false");
  }

  private static int integer(Map<String, String> all, String key, int fallback, int min) {
    long value = longValue(all, key, fallback);
    if (value < min || value > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(key + "=" + value + ": must be at least " + min);
    }
    return (int) value;
  }

  private static long longValue(Map<String, String> all, String key, long fallback) {
    String value = all.get(key);
    if (value == null) {
      return fallback;
    }
    try {
      long parsed = Long.parseLong(value);
      if (parsed < 0) {
        throw new IllegalArgumentException(key + "=" + value + ": must not be negative");
      }
      return parsed;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + "=" + value + ": expected a whole number", e);
    }
  }
}
