package dev.domainevents.amqp;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.domainevents.EventEnvelope;
import dev.domainevents.EventInterceptor;
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
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ships domain events through RabbitMQ: the {@link DomainEventInfra} to install when the broker is
 * RabbitMQ rather than Kafka. Nothing else in the application changes.
 *
 * <pre>{@code
 * // 1. from the environment: AMQP_URI, plus RABBITMQ_<KEY> and DOMAINEVENTS_<KEY>
 * AmqpInfra amqp = AmqpInfra.fromEnvironment();
 *
 * // 2. from a properties file
 * AmqpInfra amqp = AmqpInfra.fromProperties(Path.of("amqp.properties"));
 *
 * // 3. in code
 * AmqpInfra amqp =
 *     AmqpInfra.builder().uri("amqp://guest:guest@127.0.0.1:5672/").service("shop").build();
 *
 * DomainEvents.install(amqp, new StoreController(stock));
 * }</pre>
 *
 * <p>{@code amqp.uri} names the broker, user, password and virtual host ({@code amqps://} for TLS);
 * every key of the client's {@code ConnectionFactoryConfigurator} passes through with its {@code
 * rabbitmq.} prefix (e.g. {@code rabbitmq.connection.heartbeat}, {@code rabbitmq.ssl.enabled},
 * {@code rabbitmq.connection.recovery.interval}). Connections recover automatically, with their
 * topology and consumers. The SDK's settings:
 *
 * <ul>
 *   <li>{@code domainevents.service}: the service's name, and so its queue's; required to consume;
 *   <li>{@code domainevents.consumer.concurrency} (1) and {@code domainevents.consumer.prefetch}
 *       (50): channels consuming in this process, and unacknowledged deliveries per channel;
 *   <li>{@code domainevents.retry.attempts} (3), {@code domainevents.retry.backoff.ms} (200),
 *       {@code domainevents.retry.backoff.max.ms} (5000): in-place attempts per delivery;
 *   <li>{@code domainevents.retry.queue.rounds} (2), {@code domainevents.retry.queue.delay.ms}
 *       (30000): rounds through {@code retry-<service>}, then {@code fail-<service>};
 *   <li>{@code domainevents.delivery.limit} (20): the quorum queue's delivery limit, after which
 *       the broker dead-letters a message that never got acknowledged;
 *   <li>{@code domainevents.ordered} (false): one active consumer per queue, blocking retries, no
 *       retry queue: events are handled in publish order;
 *   <li>{@code domainevents.publish.window} (1000): messages awaiting a confirm, at most; {@code
 *       domainevents.publish.timeout.ms} (30000): how long a publish waits for every confirm;
 *       {@code domainevents.publish.outage} ({@code fail}): during an outage, fail at once or
 *       {@code wait} for the recovery up to the timeout;
 *   <li>{@code domainevents.messages.exchange} ({@code messages}): the exchange of plain messages;
 *   <li>{@code domainevents.dedupe.max.entries} (100000): the default {@link DedupeStore}'s size;
 *       {@code domainevents.debug} (false), {@code domainevents.close.timeout.ms} (10000);
 *   <li>{@code domainevents.newer.versions} ({@code dead-letter}): a message of a schema version
 *       newer than this service's goes to {@code fail-<service>}, or with {@code skip} is
 *       acknowledged unhandled, with a warning once per event and version.
 * </ul>
 *
 * <p>The topology, declared at {@link #start}: a durable topic exchange per aggregate type ({@code
 * Goods} → {@code goods}), the event's topic as routing key ({@code goods.shopping}), and the
 * service's quorum queues {@code <service>}, {@code retry-<service>} and {@code fail-<service>}.
 */
public final class AmqpInfra implements DomainEventInfra {
  private static final Logger log = LoggerFactory.getLogger(AmqpInfra.class);
  static final String SYSTEM = "amqp";

  private final AmqpSettings settings;
  private final PayloadCodec payloadCodec;
  private final List<EventDispatcher> dispatchers = new ArrayList<>();
  private final List<Channel> consumerChannels = new ArrayList<>();
  private final DedupeStore dedupe;

  /**
   * Routing keys by event name, derived once: deriving one (two kebab-casings and a concatenation)
   * was a quarter of the publishing thread's samples in the AMQP publish benchmark.
   */
  private final Map<String, String> routingKeys = new ConcurrentHashMap<>();

  private volatile AmqpPublisher publisher;
  private volatile EventInterceptors interceptors = EventInterceptors.none();
  private volatile AmqpEnvelopeCodec codec;
  private volatile boolean closed;
  private Connection publishing;
  private Connection consuming;
  private EventCatalog catalog;

  private AmqpInfra(AmqpSettings settings, DedupeStore dedupe, PayloadCodec payloadCodec) {
    this.settings = settings;
    this.payloadCodec = payloadCodec == null ? JsonPayloadCodec.create() : payloadCodec;
    this.dedupe = dedupe == null ? DedupeStore.create(settings.dedupeMaxEntries) : dedupe;
    if (settings.debug) {
      log.info("AmqpInfra settings {}", settings.redacted());
    }
  }

  /** Returns a builder; see the class documentation for the settings. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds an infra from a properties file of {@code amqp.uri}, client and SDK keys. */
  public static AmqpInfra fromProperties(Path file) {
    Objects.requireNonNull(file, "file");
    Properties properties = new Properties();
    try (InputStream in = Files.newInputStream(file)) {
      properties.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException("could not read AMQP settings from " + file, e);
    }
    return builder().properties(properties).build();
  }

  /**
   * Builds an infra from the environment. {@code AMQP_URI} is required; {@code RABBITMQ_<KEY>}
   * becomes {@code rabbitmq.<key>} (lower case, {@code _} read as {@code .}) and {@code
   * DOMAINEVENTS_<KEY>} becomes {@code domainevents.<key>}.
   */
  public static AmqpInfra fromEnvironment() {
    return builder().properties(propertiesFromEnvironment(System.getenv())).build();
  }

  static Properties propertiesFromEnvironment(Map<String, String> environment) {
    String uri = environment.get("AMQP_URI");
    if (uri == null || uri.isBlank()) {
      throw new IllegalStateException(
          "AMQP_URI is not set; set it to the broker, e.g."
              + " AMQP_URI=amqp://guest:guest@127.0.0.1:5672/");
    }
    Properties properties = new Properties();
    properties.setProperty(AmqpSettings.URI, uri);
    for (Map.Entry<String, String> variable : environment.entrySet()) {
      String name = variable.getKey();
      if (name.startsWith("RABBITMQ_") || name.startsWith("DOMAINEVENTS_")) {
        properties.setProperty(
            name.toLowerCase(Locale.ROOT).replace('_', '.'), variable.getValue());
      }
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
   * Starts with {@code interceptors} around every publish (system {@code amqp}, destination the
   * exchange) and every delivery attempt (destination the service's queue). With none, publishing
   * and consuming take the direct path.
   */
  @Override
  public synchronized void start(EventCatalog catalog, EventInterceptors interceptors) {
    Objects.requireNonNull(catalog, "catalog");
    Objects.requireNonNull(interceptors, "interceptors");
    if (this.catalog != null) {
      throw new IllegalStateException("AmqpInfra is already started");
    }
    if (closed) {
      throw new IllegalStateException("AmqpInfra is closed");
    }
    this.catalog = catalog;
    this.interceptors = interceptors;
    DispatchTable table = DispatchTable.of(dispatchers, interceptors, SYSTEM);
    codec = new AmqpEnvelopeCodec(payloadCodec, catalog, table, settings.newerVersions);
    ConnectionFactory factory = settings.connectionFactory();
    if (!factory.isAutomaticRecoveryEnabled()) {
      log.warn("automatic connection recovery is off; a lost connection stays lost");
    }
    String name = settings.service == null ? "domainevents" : settings.service;
    try {
      publishing = factory.newConnection(name + "-publisher");
      publisher = new AmqpPublisher(publishing, settings);
      for (String event : catalog.names()) {
        publisher.ensureExchange(AmqpTopology.exchange(catalog.topicOf(event)));
      }
      if (!table.events().isEmpty() || !table.topics().isEmpty()) {
        startConsumers(factory, name, catalog, table);
      }
    } catch (IOException | TimeoutException | RuntimeException e) {
      close();
      if (e instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new IllegalStateException(
          "could not start AmqpInfra on "
              + AmqpSettings.redactUri(String.valueOf(settings.uri))
              + ": "
              + reason(e)
              + (reason(e).contains("PRECONDITION_FAILED")
                  ? " (a queue that exists with other arguments, e.g. another ordered mode, delay"
                      + " or delivery limit, must be deleted before it is declared again)"
                  : ""),
          e);
    }
  }

  /** The first message in {@code e}'s causes: the client's IOException wraps the broker's. */
  private static String reason(Throwable e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause.getMessage() != null) {
        return cause.getMessage();
      }
    }
    return e.toString();
  }

  private void startConsumers(
      ConnectionFactory factory, String name, EventCatalog catalog, DispatchTable table)
      throws IOException, TimeoutException {
    if (settings.service == null) {
      throw new IllegalStateException(
          "handlers are subscribed but domainevents.service is not set; set it to the service's"
              + " name (DOMAINEVENTS_SERVICE), e.g. builder().service(\"shop\")");
    }
    List<EventType<?>> events = new ArrayList<>();
    for (String event : table.events()) {
      events.add(catalog.require(event));
    }
    for (String topic : table.topics().keySet()) {
      String problem = Topics.problemWith(topic);
      if (problem != null) {
        throw new IllegalStateException("a handler's topic is illegal: " + problem);
      }
    }
    Map<String, Set<String>> bindings =
        AmqpTopology.bindings(events, table.topics().keySet(), settings.messagesExchange);
    consuming = factory.newConnection(name + "-consumer");
    try (Channel declaring = consuming.createChannel()) {
      AmqpTopology.declareService(declaring, settings, bindings);
    }
    for (int i = 1; i <= settings.concurrency; i++) {
      Channel channel = consuming.createChannel();
      channel.basicQos(settings.prefetch);
      AmqpEventConsumer consumer =
          new AmqpEventConsumer(channel, codec, table, dedupe, publisher, settings);
      channel.basicConsume(settings.service, false, name + "-consumer-" + i, consumer);
      consumerChannels.add(channel);
    }
    log.info(
        "AmqpInfra consuming queue {} bound to {} with {} consumer(s){}",
        settings.service,
        bindings,
        settings.concurrency,
        settings.ordered ? ", ordered" : "");
  }

  /**
   * Publishes {@code events} in order, each to its aggregate's exchange with its topic as routing
   * key, persistent and mandatory. The future completes when RabbitMQ confirmed every event, and
   * fails with an {@link EventPublishException} on a nack, an unroutable event (no queue bound), a
   * lost connection or the publish timeout. Nothing is dropped silently.
   *
   * <p>This call blocks while the window of unconfirmed messages is full, and in the {@code wait}
   * outage mode while the connection is down, each at most the publish timeout. The future
   * completes on the connection's thread: attach slow work with {@code thenRunAsync}.
   */
  @Override
  public CompletableFuture<Void> publish(List<EventEnvelope> events) {
    Objects.requireNonNull(events, "events");
    return publishTo(null, events);
  }

  /**
   * Yes once started, for this infra's {@link Builder#payloadCodec payload codec} or one equal to
   * it, unless an interceptor runs around publishing: an outbox relay then ships stored payloads in
   * their stored bytes instead of decoding them for this infra to encode again.
   */
  @Override
  public boolean shipsEncodedPayloads(PayloadCodec codec) {
    AmqpEnvelopeCodec current = this.codec;
    return publisher != null
        && !closed
        && current != null
        && !interceptors.interceptsPublishing()
        && current.writesWith(codec);
  }

  /** Publishes like {@link #publish(List)} and blocks until every event is confirmed. */
  public void publishAndWait(List<EventEnvelope> events) {
    await(publish(events));
  }

  /**
   * Starts a plain message with routing key {@code topic} to the {@code messages} exchange (or
   * another, with {@link ExchangeMessage#exchange}), outside any entity:
   *
   * <pre>{@code
   * amqp.message("event-sell", new SellMessage(id, 2)).header("x-action", "buy").publish();
   * }</pre>
   *
   * Handlers receive it with {@code @EventHandler(topic = "event-sell")}.
   */
  public ExchangeMessage message(String topic, Object payload) {
    return new ExchangeMessage(this, topic, payload, settings.messagesExchange);
  }

  CompletableFuture<Void> publishTo(String exchange, List<EventEnvelope> events) {
    AmqpPublisher current = publisher;
    if (current == null || closed) {
      throw new IllegalStateException(
          closed
              ? "AmqpInfra is closed"
              : "AmqpInfra is not started; install it with"
                  + " DomainEvents.install(amqp, handlers...)");
    }
    EventInterceptors chain = interceptors;
    if (chain.interceptsPublishing()) {
      return chain.publishBatch(
          events, SYSTEM, batch -> publishIntercepted(current, exchange, batch, chain));
    }
    List<AmqpPublisher.Outgoing> messages = new ArrayList<>(events.size());
    try {
      for (EventEnvelope envelope : events) {
        messages.add(outgoing(current, exchange, envelope, null));
      }
    } catch (IOException | RuntimeException e) {
      return CompletableFuture.failedFuture(
          new EventPublishException("could not publish: " + e.getMessage(), e));
    }
    return current.publish(messages);
  }

  /**
   * The message of {@code envelope}: to its aggregate's exchange, or for a plain message to {@code
   * exchange} or the messages exchange. {@code sent} is what the interceptors passed on, when they
   * ran.
   */
  private AmqpPublisher.Outgoing outgoing(
      AmqpPublisher current, String exchange, EventEnvelope envelope, EventEnvelope sent)
      throws IOException {
    EventType<?> type = codec.typeOf(envelope);
    String target;
    String routingKey;
    if (type == null) {
      target = exchange == null ? settings.messagesExchange : exchange;
      routingKey = envelope.name();
    } else {
      target = AmqpTopology.exchange(type);
      routingKey = routingKeys.get(type.name());
      if (routingKey == null) {
        routingKey = AmqpTopology.routingKey(type);
        routingKeys.put(type.name(), routingKey);
      }
    }
    current.ensureExchange(target);
    EventEnvelope message = sent == null ? envelope : sent;
    return new AmqpPublisher.Outgoing(
        target, routingKey, codec.properties(message), codec.body(message));
  }

  /**
   * Runs each event through the interceptors' {@code publish}, then publishes what they passed on
   * as one batch. RabbitMQ confirms the batch as a whole, so each event's future completes with it.
   */
  @SuppressWarnings("FutureReturnValueIgnored") // the batch's outcome reaches confirmed
  private CompletableFuture<Void> publishIntercepted(
      AmqpPublisher current, String exchange, List<EventEnvelope> events, EventInterceptors chain) {
    List<AmqpPublisher.Outgoing> messages = new ArrayList<>(events.size());
    List<CompletableFuture<Void>> each = new ArrayList<>(events.size());
    CompletableFuture<Void> confirmed = new CompletableFuture<>();
    for (EventEnvelope envelope : events) {
      String destination;
      try {
        destination = destination(exchange, envelope);
      } catch (RuntimeException e) {
        return CompletableFuture.failedFuture(
            new EventPublishException("could not publish: " + e.getMessage(), e));
      }
      CompletableFuture<Void> passed =
          chain.publish(
              new EventInterceptor.Publication(envelope, SYSTEM, destination),
              sent -> {
                try {
                  messages.add(outgoing(current, exchange, envelope, sent));
                } catch (IOException | RuntimeException e) {
                  return CompletableFuture.failedFuture(
                      new EventPublishException("could not publish: " + e.getMessage(), e));
                }
                return confirmed.thenApply(ok -> ok);
              });
      if (passed.isCompletedExceptionally()) {
        // Refused before it reached the broker: nothing of the batch is sent, in order.
        return passed;
      }
      each.add(passed);
    }
    current
        .publish(messages)
        .whenComplete(
            (ok, error) -> {
              if (error == null) {
                confirmed.complete(null);
              } else {
                confirmed.completeExceptionally(error);
              }
            });
    return CompletableFuture.allOf(each.toArray(new CompletableFuture<?>[0]))
        .thenCombine(confirmed, (a, b) -> null);
  }

  private String destination(String exchange, EventEnvelope envelope) {
    EventType<?> type = codec.typeOf(envelope);
    if (type == null) {
      return exchange == null ? settings.messagesExchange : exchange;
    }
    return AmqpTopology.exchange(type);
  }

  static void await(CompletableFuture<Void> future) {
    try {
      future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EventPublishException("interrupted while waiting for RabbitMQ to confirm", e);
    } catch (ExecutionException | CompletionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      if (cause instanceof EventPublishException publishException) {
        throw publishException;
      }
      throw new EventPublishException("publish failed: " + cause, cause);
    }
  }

  /**
   * Stops consuming (deliveries in hand are finished or come back unacknowledged), waits for the
   * outstanding confirms, and closes the connections, each within {@code
   * domainevents.close.timeout.ms}.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    int timeout = (int) Math.min(Integer.MAX_VALUE, settings.closeTimeout.toMillis());
    for (Channel channel : consumerChannels) {
      try {
        channel.close();
      } catch (IOException | TimeoutException | RuntimeException e) {
        log.debug("closing a consumer channel failed: {}", e.toString());
      }
    }
    closeConnection(consuming, timeout);
    if (publisher != null) {
      publisher.close(timeout);
    }
    closeConnection(publishing, timeout);
  }

  private static void closeConnection(Connection connection, int timeoutMillis) {
    if (connection == null) {
      return;
    }
    try {
      connection.close(timeoutMillis);
    } catch (IOException | RuntimeException e) {
      log.debug("closing an AMQP connection failed: {}", e.toString());
    }
  }

  /** The broker and service, without secrets. */
  @Override
  public String toString() {
    return "AmqpInfra{uri="
        + (settings.uri == null ? "(rabbitmq.host)" : AmqpSettings.redactUri(settings.uri))
        + ", service="
        + settings.service
        + '}';
  }

  /** Builds an {@link AmqpInfra}. Methods set the same keys as the properties; the last wins. */
  public static final class Builder {
    private final Properties properties = new Properties();
    private PayloadCodec payloadCodec;
    private DedupeStore dedupeStore;

    private Builder() {}

    /** Adds every key of {@code properties}: {@code amqp.uri}, client and SDK keys. */
    public Builder properties(Properties properties) {
      Objects.requireNonNull(properties, "properties");
      for (String key : properties.stringPropertyNames()) {
        property(key, properties.getProperty(key));
      }
      return this;
    }

    /** Sets one key. */
    public Builder property(String key, String value) {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(value, "value");
      properties.setProperty(key, value);
      return this;
    }

    /** Sets {@code amqp.uri}, e.g. {@code amqp://user:password@host:5672/vhost}. */
    public Builder uri(String uri) {
      return property(AmqpSettings.URI, uri);
    }

    /** Sets {@code domainevents.service}: the service's name, and its queue's. */
    public Builder service(String service) {
      return property(AmqpSettings.SERVICE, service);
    }

    /**
     * Acknowledges messages written with a schema version newer than this service's without
     * handling them, with a warning once per event and version, instead of dead-lettering them (the
     * default). Sets {@code domainevents.newer.versions}.
     */
    public Builder skipNewerVersions(boolean skip) {
      return property(AmqpSettings.NEWER_VERSIONS, skip ? "skip" : "dead-letter");
    }

    /** Keeps publish order: one active consumer, blocking retries, no retry queue. */
    public Builder ordered(boolean ordered) {
      return property(AmqpSettings.ORDERED, Boolean.toString(ordered));
    }

    /** In-place attempts per delivery and the first backoff, doubled after each failure. */
    public Builder retry(int attempts, Duration backoff) {
      property(AmqpSettings.RETRY_ATTEMPTS, Integer.toString(attempts));
      return property(AmqpSettings.RETRY_BACKOFF_MS, Long.toString(backoff.toMillis()));
    }

    /** Rounds through the retry queue after the in-place attempts, and the delay of each. */
    public Builder retryQueue(int rounds, Duration delay) {
      property(AmqpSettings.RETRY_QUEUE_ROUNDS, Integer.toString(rounds));
      return property(AmqpSettings.RETRY_QUEUE_DELAY_MS, Long.toString(delay.toMillis()));
    }

    /**
     * Replaces the default bounded in-memory {@link DedupeStore}, e.g. with a JDBC or Redis store
     * shared by every instance of the service; the service name is its consumer group.
     */
    public Builder dedupeStore(DedupeStore store) {
      this.dedupeStore = Objects.requireNonNull(store, "store");
      return this;
    }

    /**
     * Replaces the default {@link JsonPayloadCodec#create()}. Publishers and consumers of an
     * exchange must agree.
     */
    public Builder payloadCodec(PayloadCodec codec) {
      this.payloadCodec = Objects.requireNonNull(codec, "codec");
      return this;
    }

    /**
     * Validates the settings and returns the infra, not yet started.
     *
     * @throws IllegalArgumentException naming the first bad setting
     */
    public AmqpInfra build() {
      return new AmqpInfra(AmqpSettings.parse(properties), dedupeStore, payloadCodec);
    }
  }
}
