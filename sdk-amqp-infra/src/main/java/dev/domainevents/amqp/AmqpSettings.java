package dev.domainevents.amqp;

import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.ConnectionFactoryConfigurator;
import dev.domainevents.spi.NewerVersions;
import java.net.URISyntaxException;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The parsed, validated configuration of an {@link AmqpInfra}: {@code amqp.uri}, the client's own
 * {@code rabbitmq.*} keys (those of {@link ConnectionFactoryConfigurator}, passed through
 * unchanged) and the SDK's {@code domainevents.*} keys.
 */
final class AmqpSettings {
  static final String URI = "amqp.uri";
  static final String CLIENT_PREFIX = ConnectionFactoryConfigurator.DEFAULT_PREFIX;
  static final String PREFIX = "domainevents.";
  static final String SERVICE = "domainevents.service";
  static final String DEBUG = "domainevents.debug";
  static final String CONCURRENCY = "domainevents.consumer.concurrency";
  static final String PREFETCH = "domainevents.consumer.prefetch";
  static final String RETRY_ATTEMPTS = "domainevents.retry.attempts";
  static final String RETRY_BACKOFF_MS = "domainevents.retry.backoff.ms";
  static final String RETRY_BACKOFF_MAX_MS = "domainevents.retry.backoff.max.ms";
  static final String RETRY_QUEUE_ROUNDS = "domainevents.retry.queue.rounds";
  static final String RETRY_QUEUE_DELAY_MS = "domainevents.retry.queue.delay.ms";
  static final String DELIVERY_LIMIT = "domainevents.delivery.limit";
  static final String ORDERED = "domainevents.ordered";
  static final String PUBLISH_WINDOW = "domainevents.publish.window";
  static final String PUBLISH_TIMEOUT_MS = "domainevents.publish.timeout.ms";
  static final String PUBLISH_OUTAGE = "domainevents.publish.outage";
  static final String MESSAGES_EXCHANGE = "domainevents.messages.exchange";
  static final String DEDUPE_MAX_ENTRIES = "domainevents.dedupe.max.entries";
  static final String CLOSE_TIMEOUT_MS = "domainevents.close.timeout.ms";
  static final String NEWER_VERSIONS = NewerVersions.SETTING;

  private static final Set<String> KNOWN =
      Set.of(
          SERVICE,
          DEBUG,
          CONCURRENCY,
          PREFETCH,
          RETRY_ATTEMPTS,
          RETRY_BACKOFF_MS,
          RETRY_BACKOFF_MAX_MS,
          RETRY_QUEUE_ROUNDS,
          RETRY_QUEUE_DELAY_MS,
          DELIVERY_LIMIT,
          ORDERED,
          PUBLISH_WINDOW,
          PUBLISH_TIMEOUT_MS,
          PUBLISH_OUTAGE,
          MESSAGES_EXCHANGE,
          DEDUPE_MAX_ENTRIES,
          CLOSE_TIMEOUT_MS,
          NEWER_VERSIONS);

  private static final String[] SECRET_MARKERS = {"password", "secret", "token", "credential"};

  /** What a publish does while the connection is down. */
  enum OutageMode {
    /** Fail the publish at once. */
    FAIL,
    /** Wait for the connection to recover, at most the publish timeout, then fail. */
    WAIT
  }

  final String uri;
  final Map<String, String> client;
  final String service;
  final boolean debug;
  final int concurrency;
  final int prefetch;
  final int retryAttempts;
  final long retryBackoffMs;
  final long retryBackoffMaxMs;
  final int retryQueueRounds;
  final long retryQueueDelayMs;
  final int deliveryLimit;
  final boolean ordered;
  final int publishWindow;
  final Duration publishTimeout;
  final OutageMode outage;
  final String messagesExchange;
  final int dedupeMaxEntries;
  final Duration closeTimeout;
  final NewerVersions newerVersions;

  private AmqpSettings(Map<String, String> all) {
    this.uri = all.get(URI);
    Map<String, String> clientKeys = new TreeMap<>();
    for (Map.Entry<String, String> entry : all.entrySet()) {
      String key = entry.getKey();
      if (key.startsWith(CLIENT_PREFIX)) {
        clientKeys.put(key, entry.getValue());
      } else if (key.startsWith(PREFIX)) {
        if (!KNOWN.contains(key)) {
          throw new IllegalArgumentException(
              "unknown setting \"" + key + "\"; the SDK's settings are " + new TreeSet<>(KNOWN));
        }
      } else if (!key.equals(URI)) {
        throw new IllegalArgumentException(
            "unknown setting \""
                + key
                + "\"; use amqp.uri, the client's rabbitmq.* keys (e.g. rabbitmq.virtual.host) or"
                + " the SDK's domainevents.* keys");
      }
    }
    this.client = Map.copyOf(clientKeys);
    if (uri == null && !client.containsKey(CLIENT_PREFIX + ConnectionFactoryConfigurator.HOST)) {
      throw new IllegalArgumentException(
          "amqp.uri is not set; set it to the broker, e.g. amqp://guest:guest@127.0.0.1:5672/"
              + " (AMQP_URI in the environment)");
    }
    this.service = all.get(SERVICE);
    if (service != null) {
      String problem = AmqpTopology.serviceProblem(service);
      if (problem != null) {
        throw new IllegalArgumentException(SERVICE + ": " + problem);
      }
    }
    this.debug = bool(all, DEBUG, false);
    this.ordered = bool(all, ORDERED, false);
    this.concurrency = integer(all, CONCURRENCY, 1, 1, 64);
    if (ordered && concurrency != 1) {
      throw new IllegalArgumentException(
          CONCURRENCY
              + " is "
              + concurrency
              + ", but the ordered mode consumes with one consumer"
              + " (the queue's single active consumer); remove one of the two settings");
    }
    this.prefetch = integer(all, PREFETCH, 50, 1, 65_535);
    this.retryAttempts = integer(all, RETRY_ATTEMPTS, 3, 1, 100);
    this.retryBackoffMs = longValue(all, RETRY_BACKOFF_MS, 200, 0, 600_000);
    this.retryBackoffMaxMs = longValue(all, RETRY_BACKOFF_MAX_MS, 5_000, 0, 3_600_000);
    this.retryQueueRounds = integer(all, RETRY_QUEUE_ROUNDS, 2, 0, 100);
    this.retryQueueDelayMs = longValue(all, RETRY_QUEUE_DELAY_MS, 30_000, 1, 86_400_000);
    this.deliveryLimit = integer(all, DELIVERY_LIMIT, 20, 1, 10_000);
    this.publishWindow = integer(all, PUBLISH_WINDOW, 1_000, 1, 100_000);
    this.publishTimeout =
        Duration.ofMillis(longValue(all, PUBLISH_TIMEOUT_MS, 30_000, 1, 3_600_000));
    String outageValue = all.getOrDefault(PUBLISH_OUTAGE, "fail").toUpperCase(Locale.ROOT);
    try {
      this.outage = OutageMode.valueOf(outageValue);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          PUBLISH_OUTAGE + " must be fail or wait, was \"" + all.get(PUBLISH_OUTAGE) + "\"", e);
    }
    this.messagesExchange = all.getOrDefault(MESSAGES_EXCHANGE, "messages");
    String exchangeProblem = AmqpTopology.exchangeProblem(messagesExchange);
    if (exchangeProblem != null) {
      throw new IllegalArgumentException(MESSAGES_EXCHANGE + ": " + exchangeProblem);
    }
    this.dedupeMaxEntries = integer(all, DEDUPE_MAX_ENTRIES, 100_000, 1, 100_000_000);
    this.closeTimeout = Duration.ofMillis(longValue(all, CLOSE_TIMEOUT_MS, 10_000, 1, 600_000));
    this.newerVersions = NewerVersions.of(all.get(NEWER_VERSIONS));
  }

  static AmqpSettings parse(Properties properties) {
    Map<String, String> all = new HashMap<>();
    for (String key : properties.stringPropertyNames()) {
      all.put(key, properties.getProperty(key).trim());
    }
    return new AmqpSettings(all);
  }

  /** A connection factory for these settings, with automatic connection and topology recovery. */
  ConnectionFactory connectionFactory() {
    ConnectionFactory factory = new ConnectionFactory();
    if (uri != null) {
      try {
        factory.setUri(uri);
      } catch (URISyntaxException | GeneralSecurityException | IllegalArgumentException e) {
        // The message of URISyntaxException repeats the URI, with its password.
        throw new IllegalArgumentException(
            "amqp.uri " + redactUri(uri) + " is not a valid amqp:// or amqps:// URI", null);
      }
    }
    factory.setAutomaticRecoveryEnabled(true);
    factory.setTopologyRecoveryEnabled(true);
    ConnectionFactoryConfigurator.load(factory, client, CLIENT_PREFIX);
    return factory;
  }

  /** The settings as a string for logs, passwords replaced. */
  String redacted() {
    Map<String, String> shown = new TreeMap<>();
    if (uri != null) {
      shown.put(URI, redactUri(uri));
    }
    client.forEach((key, value) -> shown.put(key, isSecret(key) ? "[redacted]" : value));
    return shown.toString();
  }

  /** {@code uri} with the password of its user info replaced. */
  static String redactUri(String uri) {
    int scheme = uri.indexOf("://");
    int at = uri.indexOf('@', scheme + 3);
    if (scheme < 0 || at < 0) {
      return uri;
    }
    int colon = uri.indexOf(':', scheme + 3);
    if (colon < 0 || colon > at) {
      return uri;
    }
    return uri.substring(0, colon + 1) + "[redacted]" + uri.substring(at);
  }

  private static boolean isSecret(String key) {
    String lower = key.toLowerCase(Locale.ROOT);
    for (String marker : SECRET_MARKERS) {
      if (lower.contains(marker)) {
        return true;
      }
    }
    return false;
  }

  private static boolean bool(Map<String, String> all, String key, boolean fallback) {
    String value = all.get(key);
    if (value == null) {
      return fallback;
    }
    if (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false")) {
      return Boolean.parseBoolean(value);
    }
    throw new IllegalArgumentException(key + " must be true or false, was \"" + value + "\"");
  }

  private static int integer(Map<String, String> all, String key, int fallback, int min, int max) {
    return (int) longValue(all, key, fallback, min, max);
  }

  private static long longValue(
      Map<String, String> all, String key, long fallback, long min, long max) {
    String value = all.get(key);
    if (value == null) {
      return fallback;
    }
    long parsed;
    try {
      parsed = Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be a number, was \"" + value + "\"", e);
    }
    if (parsed < min || parsed > max) {
      throw new IllegalArgumentException(
          key + " must be between " + min + " and " + max + ", was " + parsed);
    }
    return parsed;
  }
}
