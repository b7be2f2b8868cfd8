package dev.domainevents.sample.shop;

import dev.domainevents.DomainEvents;
import dev.domainevents.EventInterceptors;
import dev.domainevents.amqp.AmqpInfra;
import dev.domainevents.http.EventReceiver;
import dev.domainevents.http.HttpProxy;
import dev.domainevents.kafka.KafkaInfra;
import dev.domainevents.micrometer.DomainEventMetrics;
import dev.domainevents.spi.DomainEventInfra;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sample shop: buying goods raises {@code Goods:Shopping}, Kafka carries it, and the store
 * handles it.
 *
 * <p>Run it with {@code java -jar sample-shop/target/sample-shop.jar}. It reads:
 *
 * <ul>
 *   <li>{@code PORT}: the HTTP port, 8000 by default;
 *   <li>{@code SHOP_INFRA}: {@code kafka} (the default) or {@code amqp}, which ships the events
 *       through RabbitMQ at {@code AMQP_URI} (required then, e.g. {@code
 *       amqp://guest:guest@127.0.0.1:5672/}) with the bundled {@code shop-amqp.properties};
 *   <li>{@code KAFKA_BOOTSTRAP_SERVERS}: the Kafka cluster; when unset, an embedded single-node
 *       broker is started and used;
 *   <li>{@code SHOP_KAFKA_CONFIG}: a properties file that replaces the bundled {@code
 *       shop-kafka.properties}, the counterpart of the seed's {@code conf/infra/kafka.toml};
 *   <li>{@code SHOP_OUTBOX}: turns on the transactional outbox mode. {@code h2} uses a private
 *       in-memory H2 database; a JDBC URL ({@code jdbc:h2:...}, or {@code jdbc:postgresql:...} with
 *       the driver added to the class path) uses that database. A purchase then updates the {@code
 *       goods} stock table and writes its event to the outbox in one JDBC transaction, and an
 *       outbox relay ships committed events to Kafka. When unset, the shop keeps its stock in
 *       memory and publishes directly;
 *   <li>{@code SHOP_DELIVERY}: {@code http} runs the store's handler behind the HTTP proxy, as the
 *       seed does: the shop serves the receiver at {@code /events}, and an {@code HttpProxy} in the
 *       same process consumes the events and POSTs them there. When unset, the store consumes from
 *       Kafka itself;
 *   <li>{@code SHOP_STORE}: {@code eventsourced} keeps the goods as their events in an event store
 *       at {@code SHOP_STORE_URL}: {@code h2} (the default) for a private in-memory H2 database, or
 *       a JDBC URL ({@code jdbc:h2:file:...}, or {@code jdbc:postgresql:...} with the driver added
 *       to the class path). A purchase loads the goods by replaying their events and appends the
 *       new one, with the outbox, in one transaction; {@code GET /store/{id}} answers from a
 *       projection of the store's log, rebuilt from the events at each start. Not together with
 *       {@code SHOP_OUTBOX}.
 * </ul>
 *
 * <p>{@code GET /metrics} answers the domain-event meters of {@code sdk-micrometer} in the
 * Prometheus text format.
 */
public final class ShopApplication implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ShopApplication.class);
  private static final int FIRST_GOODS = 1;
  private static final int LAST_GOODS = 10;
  private static final int INITIAL_STOCK = 100;

  private final EmbeddedBroker broker;
  private final String where;
  private final DomainEvents.Installation installation;
  private final ShopHttpServer http;
  private final Store store;
  private final StoreController storeController;
  private final OutboxPurchases outbox;
  private final EventSourcedGoods eventSourced;
  private final HttpProxy proxy;

  private ShopApplication(
      EmbeddedBroker broker,
      String where,
      DomainEvents.Installation installation,
      ShopHttpServer http,
      Store store,
      StoreController storeController,
      OutboxPurchases outbox,
      EventSourcedGoods eventSourced,
      HttpProxy proxy) {
    this.broker = broker;
    this.where = where;
    this.proxy = proxy;
    this.installation = installation;
    this.http = http;
    this.store = store;
    this.storeController = storeController;
    this.outbox = outbox;
    this.eventSourced = eventSourced;
  }

  /** Starts the shop from the environment; see the class documentation. */
  public static void main(String[] args) throws IOException {
    long started = System.nanoTime();
    Map<String, String> environment = System.getenv();
    int port = Integer.parseInt(environment.getOrDefault("PORT", "8000"));
    String outbox = environment.get("SHOP_OUTBOX");
    String infra = environment.getOrDefault("SHOP_INFRA", "kafka").toLowerCase(Locale.ROOT);
    String storeMode = environment.getOrDefault("SHOP_STORE", "").trim();
    String eventStore = null;
    if (storeMode.equalsIgnoreCase("eventsourced")) {
      eventStore = environment.getOrDefault("SHOP_STORE_URL", "h2");
    } else if (!storeMode.isEmpty()) {
      throw new IllegalStateException(
          "SHOP_STORE must be eventsourced, or unset for the in-memory goods; was " + storeMode);
    }
    ShopApplication shop;
    if (infra.equals("amqp")) {
      String uri = environment.get("AMQP_URI");
      if (uri == null || uri.isBlank()) {
        throw new IllegalStateException(
            "SHOP_INFRA=amqp needs AMQP_URI, e.g. AMQP_URI=amqp://guest:guest@127.0.0.1:5672/");
      }
      shop = startOnAmqp(port, uri, settings("/shop-amqp.properties", null), outbox, eventStore);
    } else if (infra.equals("kafka")) {
      Properties kafka = kafkaSettings(environment.get("SHOP_KAFKA_CONFIG"));
      boolean httpDelivery = "http".equals(environment.get("SHOP_DELIVERY"));
      String servers = environment.get("KAFKA_BOOTSTRAP_SERVERS");
      shop = start(port, servers, kafka, outbox, httpDelivery, eventStore);
    } else {
      throw new IllegalStateException("SHOP_INFRA must be kafka or amqp, was " + infra);
    }
    Runtime.getRuntime().addShutdownHook(new Thread(shop::close, "sample-shop-shutdown"));
    long millis = (System.nanoTime() - started) / 1_000_000;
    System.out.printf(
        "sample-shop started in %d ms: http://localhost:%d (%s%s)%n",
        millis,
        shop.port(),
        shop.where,
        shop.outbox != null
            ? ", outbox mode"
            : shop.eventSourced != null ? ", event-sourced goods" : "");
    if (shop.proxy != null) {
      System.out.printf(
          "events reach the store through the HTTP proxy, at http://127.0.0.1:%d/events%n",
          shop.port());
    }
  }

  /**
   * Starts the shop on {@code port} (0 for any free port). With {@code bootstrapServers} null or
   * blank, an embedded broker is started and closed with the shop.
   */
  public static ShopApplication start(int port, String bootstrapServers, Properties kafka)
      throws IOException {
    return start(port, bootstrapServers, kafka, null);
  }

  /**
   * Starts the shop like {@link #start(int, String, Properties)}; with {@code outbox} set ({@code
   * h2} or a JDBC URL, as {@code SHOP_OUTBOX}), purchases go through the transactional outbox.
   */
  public static ShopApplication start(
      int port, String bootstrapServers, Properties kafka, String outbox) throws IOException {
    return start(port, bootstrapServers, kafka, outbox, false);
  }

  /**
   * Starts the shop like {@link #start(int, String, Properties, String)}; with {@code
   * httpDelivery}, as {@code SHOP_DELIVERY=http}, the store takes its events from the HTTP proxy.
   */
  public static ShopApplication start(
      int port, String bootstrapServers, Properties kafka, String outbox, boolean httpDelivery)
      throws IOException {
    return start(port, bootstrapServers, kafka, outbox, httpDelivery, null);
  }

  /**
   * Starts the shop like {@link #start(int, String, Properties, String, boolean)}; with {@code
   * eventStore} set ({@code h2} or a JDBC URL, as {@code SHOP_STORE_URL} with {@code
   * SHOP_STORE=eventsourced}), the goods are event-sourced.
   */
  public static ShopApplication start(
      int port,
      String bootstrapServers,
      Properties kafka,
      String outbox,
      boolean httpDelivery,
      String eventStore)
      throws IOException {
    EmbeddedBroker broker = null;
    String servers = bootstrapServers;
    if (servers == null || servers.isBlank()) {
      log.info("KAFKA_BOOTSTRAP_SERVERS is not set: starting an embedded Kafka broker");
      // Stopped last, by close(), after the consumers committed and the producer flushed.
      broker = EmbeddedBroker.start();
      servers = broker.bootstrapServers();
    }
    Properties settings = new Properties();
    settings.putAll(kafka);
    settings.setProperty("bootstrap.servers", servers);
    return start(
        port,
        KafkaInfra.builder().properties(settings).build(),
        broker,
        "Kafka at " + servers,
        outbox,
        eventStore,
        httpDelivery ? settings : null);
  }

  /**
   * Starts the shop on {@code port} with its events shipped through RabbitMQ at {@code uri} instead
   * of Kafka; nothing else changes. {@code amqp} holds the infra's settings.
   */
  public static ShopApplication startOnAmqp(int port, String uri, Properties amqp, String outbox)
      throws IOException {
    return startOnAmqp(port, uri, amqp, outbox, null);
  }

  /**
   * Starts the shop on RabbitMQ like {@link #startOnAmqp(int, String, Properties, String)}; with
   * {@code eventStore} set, the goods are event-sourced.
   */
  public static ShopApplication startOnAmqp(
      int port, String uri, Properties amqp, String outbox, String eventStore) throws IOException {
    AmqpInfra infra = AmqpInfra.builder().properties(amqp).uri(uri).build();
    return start(port, infra, null, "RabbitMQ, " + infra, outbox, eventStore, null);
  }

  /** Starts the shop on {@code infra}; with {@code proxySettings}, behind the HTTP proxy. */
  private static ShopApplication start(
      int port,
      DomainEventInfra infra,
      EmbeddedBroker broker,
      String where,
      String outbox,
      String eventStore,
      Properties proxySettings)
      throws IOException {
    boolean withOutbox = outbox != null && !outbox.isBlank();
    boolean eventSourcing = eventStore != null && !eventStore.isBlank();
    if (withOutbox && eventSourcing) {
      throw new IllegalStateException(
          "SHOP_OUTBOX and SHOP_STORE=eventsourced are two ways to store purchases; set one");
    }
    DomainEvents.Installation installation = null;
    OutboxPurchases purchases = null;
    EventSourcedGoods eventSourced = null;
    HttpProxy proxy = null;
    try {
      Store store = new Store(FIRST_GOODS, LAST_GOODS, INITIAL_STOCK);
      StoreController storeController = new StoreController(store);
      // GET /metrics: every publish and handling timed, lag and state read from the health.
      PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      DomainEventMetrics eventMetrics = DomainEventMetrics.of(metrics);
      EventInterceptors interceptors = EventInterceptors.builder().add(eventMetrics).build();
      // Over HTTP the proxy consumes, so the shop's own infra only publishes.
      installation =
          proxySettings != null
              ? DomainEvents.install(infra, interceptors)
              : DomainEvents.install(infra, interceptors, storeController);
      eventMetrics.bindTo(installation);
      if (withOutbox) {
        try {
          purchases = OutboxPurchases.open(outbox, FIRST_GOODS, LAST_GOODS, INITIAL_STOCK);
        } catch (SQLException e) {
          // Not the URL: it may hold a password.
          throw new IllegalStateException(
              "could not open the SHOP_OUTBOX database: " + e.getMessage(), e);
        }
        log.info("SHOP_OUTBOX is set: purchases go through the transactional outbox");
      }
      if (eventSourcing) {
        try {
          eventSourced = EventSourcedGoods.open(eventStore, FIRST_GOODS, LAST_GOODS, INITIAL_STOCK);
        } catch (SQLException e) {
          // Not the URL: it may hold a password.
          throw new IllegalStateException(
              "could not open the SHOP_STORE_URL database: " + e.getMessage(), e);
        }
        log.info("SHOP_STORE=eventsourced: the goods are stored as their events");
      }
      GoodsRepository goods = new GoodsRepository(FIRST_GOODS, LAST_GOODS, INITIAL_STOCK);
      ShopHttpServer http =
          new ShopHttpServer(
              port,
              new ShopService(goods, purchases, eventSourced),
              eventSourced != null ? eventSourced::stock : store::stock);
      http.serveMetrics(metrics::scrape);
      if (proxySettings != null) {
        http.receiveEvents(EventReceiver.create(storeController));
      }
      http.serveHealth(installation::health);
      http.start();
      if (proxySettings != null) {
        // The route table is the one sdk-processor wrote into this jar from StoreController.
        proxy =
            HttpProxy.builder()
                .properties(proxySettings)
                .property("proxy.address", "http://127.0.0.1:" + http.port())
                .build()
                .start();
        log.info("SHOP_DELIVERY=http: events reach the store through the HTTP proxy");
      }
      return new ShopApplication(
          broker,
          where,
          installation,
          http,
          store,
          storeController,
          purchases,
          eventSourced,
          proxy);
    } catch (IOException | RuntimeException e) {
      if (proxy != null) {
        proxy.close();
      }
      if (purchases != null) {
        purchases.close();
      }
      if (eventSourced != null) {
        eventSourced.close();
      }
      if (installation != null) {
        installation.close();
      }
      if (broker != null) {
        broker.close();
      }
      throw e;
    }
  }

  /** Loads the Kafka settings: {@code file} if given, else the bundled defaults. */
  public static Properties kafkaSettings(String file) {
    return settings("/shop-kafka.properties", file);
  }

  /** Loads {@code file} if given, else the bundled {@code resource}. */
  static Properties settings(String resource, String file) {
    Properties properties = new Properties();
    try (InputStream in =
        file == null || file.isBlank()
            ? ShopApplication.class.getResourceAsStream(resource)
            : Files.newInputStream(Path.of(file))) {
      if (in == null) {
        throw new IllegalStateException(resource + " is missing from the class path");
      }
      properties.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException("could not read settings " + file, e);
    }
    return properties;
  }

  /** The HTTP port. */
  public int port() {
    return http.port();
  }

  /** The store's stock of {@code goodsId}, or -1 for unknown goods. */
  public int stock(int goodsId) {
    return store.stock(goodsId).orElse(-1);
  }

  /** In outbox mode, the purchases' database side; null otherwise. */
  OutboxPurchases outbox() {
    return outbox;
  }

  /** In the event-sourced mode, the goods' event store side; null otherwise. */
  EventSourcedGoods eventSourced() {
    return eventSourced;
  }

  /** How many {@code Goods:Shopping} events the store has handled. */
  public long handledCount() {
    return storeController.handledCount();
  }

  /**
   * Stops the shop: the HTTP server stops taking requests, the consumers commit what they handled,
   * the producer flushes, and the embedded broker, if any, stops.
   */
  @Override
  public synchronized void close() {
    if (proxy != null) {
      proxy.close(); // before the server it posts to
    }
    http.close();
    if (outbox != null) {
      outbox.close(); // before the infra: the relay ships to it
    }
    if (eventSourced != null) {
      eventSourced.close(); // before the infra too
    }
    installation.close();
    log.info("HTTP server stopped; consumers stopped, publishes flushed");
    if (broker != null) {
      broker.close();
      log.info("embedded Kafka broker stopped");
    }
    log.info("sample-shop stopped");
  }
}
