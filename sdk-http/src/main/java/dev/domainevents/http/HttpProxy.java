package dev.domainevents.http;

import dev.domainevents.EventInterceptors;
import dev.domainevents.kafka.KafkaInfra;
import dev.domainevents.spi.EventCatalog;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Enumeration;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes the events of a route table from Kafka and POSTs each to a service's {@link
 * EventReceiver}: the seed's consumer proxy, minus its losses. It is a {@link KafkaInfra} whose
 * only handler is the POST, so it keeps that infra's rules: its own group, offsets committed only
 * past delivered (or dead-lettered, or retry-topic) records, one partition's records one after
 * another, so order per key holds, and the same retries, {@code retry-} and {@code fail-} topics.
 * Different partitions are posted concurrently, by at most {@code
 * domainevents.consumer.concurrency} consumers.
 *
 * <p>Settings, beside every {@link KafkaInfra} key ({@code bootstrap.servers}, {@code group.id},
 * {@code domainevents.*}):
 *
 * <ul>
 *   <li>{@code proxy.address} (required): the service, e.g. {@code http://127.0.0.1:8000};
 *   <li>{@code proxy.http2} (false): h2c (HTTP/2 without TLS, by upgrade) instead of HTTP/1.1;
 *   <li>{@code proxy.timeout.ms} (10000): per request; a slower answer is retried;
 *   <li>{@code proxy.routes}: a route table file; without it, every {@value RouteTable#RESOURCE} on
 *       the class path, as sdk-processor writes it into the service's jar.
 * </ul>
 *
 * <p>Run it alone with {@code java -cp <sdk-http and its dependencies>:<service jar>
 * dev.domainevents.http.HttpProxy proxy.properties}.
 */
public final class HttpProxy implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HttpProxy.class);
  static final String PREFIX = "proxy.";
  static final String ADDRESS = "proxy.address";
  static final String HTTP2 = "proxy.http2";
  static final String TIMEOUT_MS = "proxy.timeout.ms";
  static final String ROUTES = "proxy.routes";
  private static final String ROUTE_PREFIX = "domainevents.route.";

  private final KafkaInfra kafka;
  private final RouteTable routes;
  private final HttpForwarder forwarder;
  private final URI address;
  private final boolean http2;

  private HttpProxy(Properties settings, RouteTable routes) {
    String configured = settings.getProperty(ADDRESS);
    if (configured == null || configured.isBlank()) {
      throw new IllegalArgumentException(
          ADDRESS + " is not set; set it to the service, e.g. http://127.0.0.1:8000");
    }
    this.address = URI.create(configured.trim());
    if (!"http".equals(address.getScheme()) && !"https".equals(address.getScheme())) {
      throw new IllegalArgumentException(ADDRESS + " must be an http or https URL: " + address);
    }
    this.http2 = Boolean.parseBoolean(settings.getProperty(HTTP2, "false").trim());
    long timeoutMs = Long.parseLong(settings.getProperty(TIMEOUT_MS, "10000").trim());
    if (timeoutMs < 1 || timeoutMs > 3_600_000) {
      throw new IllegalArgumentException(TIMEOUT_MS + " must be 1 to 3600000, was " + timeoutMs);
    }
    this.routes = routes == null ? readRoutes(settings.getProperty(ROUTES)) : routes;
    Duration timeout = Duration.ofMillis(timeoutMs);
    HttpClient client =
        HttpClient.newBuilder()
            .version(http2 ? HttpClient.Version.HTTP_2 : HttpClient.Version.HTTP_1_1)
            .connectTimeout(timeout)
            .build();
    this.forwarder = new HttpForwarder(client, address, this.routes, timeout);
    Properties kafkaSettings = new Properties();
    for (String key : settings.stringPropertyNames()) {
      if (!key.startsWith(PREFIX)) {
        kafkaSettings.setProperty(key, settings.getProperty(key));
      }
    }
    for (RouteTable.Route route : this.routes.routes()) {
      if (route.cluster() != null) {
        // Consumed where it is published; KafkaInfra refuses an unknown cluster name here.
        kafkaSettings.setProperty(ROUTE_PREFIX + route.topic(), route.cluster());
      }
    }
    this.kafka =
        KafkaInfra.builder().properties(kafkaSettings).payloadCodec(new RawPayloads()).build();
  }

  /** Returns a builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds a proxy from a properties file of the settings above. */
  public static HttpProxy fromProperties(Path file) {
    return builder().properties(load(file)).build();
  }

  /**
   * Starts consuming and posting.
   *
   * @throws IllegalStateException if {@code group.id} is not set or the proxy was started before
   */
  public HttpProxy start() {
    return start(EventInterceptors.defaults());
  }

  /**
   * Starts consuming and posting, with {@code interceptors} around each record the proxy consumes:
   * its outcomes are its Kafka consumer's (system {@code kafka}, the topic, partition and offset),
   * {@code HANDLED} once the service answered 2xx, {@code RETRIED} on a 5xx or timeout, {@code
   * DEAD_LETTERED} on a 4xx.
   *
   * @throws IllegalStateException if {@code group.id} is not set or the proxy was started before
   */
  public HttpProxy start(EventInterceptors interceptors) {
    kafka.subscribe(forwarder);
    kafka.start(EventCatalog.of(routes.registry()), interceptors);
    log.info(
        "HttpProxy posting {} to {} over {}",
        forwarder.events().isEmpty() ? forwarder.topics().keySet() : forwarder.events(),
        address,
        http2 ? "h2c" : "HTTP/1.1");
    return this;
  }

  /** Stops consuming, committing what was delivered; undelivered records stay for the next run. */
  @Override
  public void close() {
    kafka.close();
  }

  /** Runs a proxy with the settings file {@code args[0]} until the process is stopped. */
  public static void main(String[] args) throws InterruptedException {
    if (args.length != 1) {
      System.err.println("usage: HttpProxy <proxy.properties>");
      System.exit(2);
    }
    HttpProxy proxy = fromProperties(Path.of(args[0])).start();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  proxy.close();
                  stopped.countDown();
                }));
    stopped.await();
  }

  private static RouteTable readRoutes(String file) {
    if (file != null && !file.isBlank()) {
      return RouteTable.parse(load(Path.of(file.trim())));
    }
    Properties merged = new Properties();
    try {
      ClassLoader loader = Thread.currentThread().getContextClassLoader();
      Enumeration<URL> tables =
          (loader == null ? HttpProxy.class.getClassLoader() : loader)
              .getResources(RouteTable.RESOURCE);
      while (tables.hasMoreElements()) {
        try (InputStream in = tables.nextElement().openStream()) {
          merged.load(in);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not read " + RouteTable.RESOURCE, e);
    }
    if (merged.isEmpty()) {
      throw new IllegalArgumentException(
          "no route table: set "
              + ROUTES
              + " to a file, or put the service's jar, with its"
              + " generated "
              + RouteTable.RESOURCE
              + ", on the class path");
    }
    return RouteTable.parse(merged);
  }

  private static Properties load(Path file) {
    Objects.requireNonNull(file, "file");
    Properties properties = new Properties();
    try (InputStream in = Files.newInputStream(file)) {
      properties.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException("could not read " + file, e);
    }
    return properties;
  }

  /** Builds an {@link HttpProxy}; what is set last wins. */
  public static final class Builder {
    private final Properties settings = new Properties();
    private RouteTable routes;

    private Builder() {}

    /** Adds every key of {@code properties}: proxy settings and {@link KafkaInfra} keys. */
    public Builder properties(Properties properties) {
      Objects.requireNonNull(properties, "properties");
      for (String key : properties.stringPropertyNames()) {
        settings.setProperty(key, properties.getProperty(key));
      }
      return this;
    }

    /** Sets one key: a proxy setting or a {@link KafkaInfra} key. */
    public Builder property(String key, String value) {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(value, "value");
      settings.setProperty(key, value);
      return this;
    }

    /** Uses this route table instead of {@code proxy.routes} or the class path's. */
    public Builder routes(Properties table) {
      Objects.requireNonNull(table, "table");
      this.routes = RouteTable.parse(table);
      return this;
    }

    /**
     * Validates the settings and the route table and returns the proxy, not yet started.
     *
     * @throws IllegalArgumentException naming the first bad setting or route
     */
    public HttpProxy build() {
      return new HttpProxy(settings, routes);
    }
  }
}
