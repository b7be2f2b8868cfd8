package dev.domainevents.benchmarks;

import com.sun.net.httpserver.HttpServer;
import dev.domainevents.DomainEvents;
import dev.domainevents.http.EventReceiver;
import dev.domainevents.http.HttpProxy;
import dev.domainevents.kafka.KafkaInfra;
import dev.domainevents.spi.EventCatalog;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The HTTP delivery runs: events through {@link HttpProxy} to an {@link EventReceiver} on a JDK
 * {@code HttpServer} on 127.0.0.1, against in-process dispatch, a {@link KafkaInfra} consumer
 * calling the same handler, in the same run. Both sides consume the same topic with the same
 * consumer settings and the same number of consumers, one per partition.
 */
final class HttpRuns {
  /** Consumers on each side: one per partition of the benchmark topics. */
  static final int CONCURRENCY = 3;

  private static final String CHECKOUT = "Basket:Checkout";
  private static final String PING = "Basket:Ping";

  static {
    // The JDK server writes a response's head and body apart; with Nagle's algorithm on, each
    // answer waits for the client's delayed ACK, some 40 ms. As the README advises a service.
    System.setProperty("sun.net.httpserver.nodelay", "true");
  }

  private final KafkaRuns kafka;
  private final String bootstrapServers;
  private final EventCatalog catalog = EventCatalog.load();
  private int groups;

  HttpRuns(KafkaRuns kafka, String bootstrapServers) {
    this.kafka = kafka;
    this.bootstrapServers = bootstrapServers;
  }

  /** Makes sure the checkout topic holds at least {@code events} records for the consume runs. */
  void fill(int events) throws InterruptedException {
    kafka.publishSdk(events);
  }

  private Properties consumerSettings(String group) {
    Properties settings = new Properties();
    settings.setProperty("bootstrap.servers", bootstrapServers);
    settings.setProperty("group.id", group);
    settings.setProperty("max.poll.records", "500");
    settings.setProperty("domainevents.consumer.concurrency", Integer.toString(CONCURRENCY));
    return settings;
  }

  /** Routes {@code event} from its registered topic to {@code /events/<event>}. */
  private Properties routes(String event) {
    Properties routes = new Properties();
    routes.setProperty(event + ".topic", catalog.require(event).topic());
    routes.setProperty(event + ".route", "/events/" + event);
    return routes;
  }

  /** A service: the receiver of {@code handler} at /events, on a thread pool, as a service runs. */
  private static final class Service implements AutoCloseable {
    final HttpServer server;
    final ExecutorService threads = Executors.newFixedThreadPool(8);

    Service(Object handler) throws IOException {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      server.setExecutor(threads);
      EventReceiver.create(handler).mount(server, "/events");
      server.start();
    }

    String address() {
      return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
      server.stop(0);
      threads.shutdownNow();
    }
  }

  private HttpProxy proxy(Service service, Properties settings, String event) {
    settings.setProperty("proxy.address", service.address());
    return HttpProxy.builder().properties(settings).routes(routes(event)).build();
  }

  /**
   * Consumes the first {@code events} checkouts through the proxy and the receiver; events per
   * second from the first handled to the last, so joining the group does not count.
   */
  double throughputProxy(int events) throws Exception {
    CountingHandler handler = new CountingHandler(events);
    try (Service service = new Service(handler);
        HttpProxy proxy =
            proxy(service, consumerSettings("http-consume-" + (++groups)), CHECKOUT).start()) {
      if (!handler.done.await(10, TimeUnit.MINUTES)) {
        throw new IllegalStateException("the proxy did not deliver " + events + " events");
      }
      return handler.perSecond(events);
    }
  }

  /** The same, with the same handler installed in-process on a {@link KafkaInfra}. */
  double throughputInProcess(int events) throws InterruptedException {
    CountingHandler handler = new CountingHandler(events);
    try (DomainEvents.Installation installation =
        DomainEvents.install(
            KafkaInfra.builder()
                .properties(consumerSettings("inprocess-consume-" + (++groups)))
                .build(),
            handler)) {
      if (!handler.done.await(10, TimeUnit.MINUTES)) {
        throw new IllegalStateException("the in-process consumer did not handle " + events);
      }
      return handler.perSecond(events);
    }
  }

  /**
   * Publishes {@code events} pings at {@code ratePerSecond} and returns each publish-to-handler
   * latency in nanoseconds, sorted: through the proxy and the receiver, or in-process.
   */
  @SuppressWarnings("FutureReturnValueIgnored") // a lost ping fails the run by its count
  long[] latency(int events, int ratePerSecond, boolean viaProxy) throws Exception {
    Properties publisherSettings = kafka.producerSettings();
    // The SDK sets no linger.ms of its own: Kafka's default (5 ms since Kafka 4.0) applies.
    publisherSettings.remove("linger.ms");
    Properties consumer = consumerSettings((viaProxy ? "http-latency-" : "latency-") + (++groups));
    consumer.setProperty("auto.offset.reset", "latest");
    LatencyHandler handler = new LatencyHandler(events);
    Service service = null;
    HttpProxy proxy = null;
    DomainEvents.Installation installation;
    if (viaProxy) {
      service = new Service(handler);
      proxy = proxy(service, consumer, PING).start();
      installation =
          DomainEvents.install(KafkaInfra.builder().properties(publisherSettings).build());
    } else {
      publisherSettings.putAll(consumer);
      installation =
          DomainEvents.install(KafkaInfra.builder().properties(publisherSettings).build(), handler);
    }
    try {
      Basket[] baskets = KafkaRuns.baskets();
      KafkaRuns.warmUpPing(baskets[0], handler);
      long interval = 1_000_000_000L / ratePerSecond;
      long next = System.nanoTime();
      for (int i = 0; i < events; i++) {
        LockSupport.parkNanos(next - System.nanoTime());
        next += interval;
        Basket basket = baskets[i % baskets.length];
        basket.ping(new Purchase(i, 1, Long.toString(System.nanoTime()), ""));
        DomainEvents.publish(basket);
      }
      if (!handler.done.await(2, TimeUnit.MINUTES)) {
        throw new IllegalStateException("not every ping arrived");
      }
    } finally {
      installation.close();
      if (proxy != null) {
        proxy.close();
      }
      if (service != null) {
        service.close();
      }
    }
    long[] sorted = handler.latencies.clone();
    Arrays.sort(sorted);
    return sorted;
  }
}
