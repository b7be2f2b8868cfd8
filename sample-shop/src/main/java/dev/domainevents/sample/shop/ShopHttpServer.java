package dev.domainevents.sample.shop;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.domainevents.EventEnvelope;
import dev.domainevents.EventScope;
import dev.domainevents.InfraHealth;
import dev.domainevents.http.EventReceiver;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.OptionalInt;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shop's HTTP API, on the JDK's built-in server:
 *
 * <ul>
 *   <li>{@code POST /shop/{goodsId}?amount=N}: buys, answers 201 with the event id;
 *   <li>{@code GET /store/{goodsId}}: answers the store's stock (in the event-sourced mode, from
 *       its projection);
 *   <li>{@code GET /health}: the installed infra's health ({@link HealthJson}), 200 when up, 503
 *       when down;
 *   <li>{@code GET /metrics}: the domain-event meters in the Prometheus text format.
 * </ul>
 *
 * <p>The correlation id is the request's {@code X-Request-Id}, or a new one; it is returned in the
 * same header and travels with every event the request raises.
 */
final class ShopHttpServer implements AutoCloseable {
  static final String REQUEST_ID = "X-Request-Id";
  private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
  private static final Logger log = LoggerFactory.getLogger(ShopHttpServer.class);

  private final HttpServer server;
  private final ExecutorService executor;
  private final ShopService shop;
  private final IntFunction<OptionalInt> stock;

  ShopHttpServer(int port, ShopService shop, IntFunction<OptionalInt> stock) throws IOException {
    this.shop = shop;
    this.stock = stock;
    this.server = HttpServer.create(new InetSocketAddress(port), 128);
    this.executor = Executors.newFixedThreadPool(16);
    server.setExecutor(executor);
    server.createContext("/shop/", this::shop);
    server.createContext("/store/", this::store);
  }

  void start() {
    server.start();
  }

  /** Takes the events the HTTP proxy POSTs, at {@code /events/<event name>}. */
  void receiveEvents(EventReceiver receiver) {
    receiver.mount(server, "/events");
  }

  /** Serves {@code GET /health} from {@code health}, e.g. the installation's. */
  void serveHealth(Supplier<InfraHealth> health) {
    server.createContext(
        "/health",
        exchange -> {
          try (exchange) {
            if (!"GET".equals(exchange.getRequestMethod())) {
              respond(exchange, 405, error("use GET /health"));
              return;
            }
            InfraHealth snapshot = health.get();
            respond(
                exchange,
                snapshot.status() == InfraHealth.Status.UP ? 200 : 503,
                HealthJson.write(snapshot));
          }
        });
  }

  /** Serves {@code scrape}, Prometheus text, at {@code GET /metrics}. */
  void serveMetrics(Supplier<String> scrape) {
    server.createContext("/metrics", exchange -> metrics(exchange, scrape));
  }

  /** The port the server listens on; useful when started on port 0. */
  int port() {
    return server.getAddress().getPort();
  }

  private void shop(HttpExchange exchange) throws IOException {
    try (exchange) {
      String requestId = exchange.getRequestHeaders().getFirst(REQUEST_ID);
      try (EventScope scope = EventScope.correlate(requestId)) {
        exchange.getResponseHeaders().set(REQUEST_ID, scope.correlationId());
        if (!"POST".equals(exchange.getRequestMethod())) {
          respond(exchange, 405, error("use POST /shop/{goodsId}?amount=N"));
          return;
        }
        Integer goodsId = idAfter(exchange.getRequestURI(), "/shop/");
        if (goodsId == null) {
          respond(exchange, 404, error("no such goods: " + exchange.getRequestURI().getPath()));
          return;
        }
        Integer amount = amount(exchange.getRequestURI());
        if (amount == null || amount <= 0) {
          respond(exchange, 400, error("amount must be a positive whole number"));
          return;
        }
        EventEnvelope event = shop.buy(goodsId, amount);
        respond(
            exchange,
            201,
            "{\"eventId\":\""
                + event.eventId()
                + "\",\"goodsId\":"
                + goodsId
                + ",\"amount\":"
                + amount
                + ",\"correlationId\":\""
                + json(scope.correlationId())
                + "\"}");
      } catch (UnknownGoodsException e) {
        respond(exchange, 404, error(e.getMessage()));
      } catch (OutOfStockException e) {
        respond(exchange, 409, error(e.getMessage()));
      } catch (RuntimeException e) {
        log.error("purchase failed", e);
        respond(exchange, 503, error("purchase could not be completed: " + e.getMessage()));
      }
    }
  }

  private void store(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!"GET".equals(exchange.getRequestMethod())) {
        respond(exchange, 405, error("use GET /store/{goodsId}"));
        return;
      }
      Integer goodsId = idAfter(exchange.getRequestURI(), "/store/");
      OptionalInt stock = goodsId == null ? OptionalInt.empty() : this.stock.apply(goodsId);
      if (stock.isEmpty()) {
        respond(exchange, 404, error("no such goods: " + exchange.getRequestURI().getPath()));
        return;
      }
      respond(exchange, 200, "{\"goodsId\":" + goodsId + ",\"stock\":" + stock.getAsInt() + "}");
    }
  }

  private static void metrics(HttpExchange exchange, Supplier<String> scrape) throws IOException {
    try (exchange) {
      if (!"GET".equals(exchange.getRequestMethod())) {
        respond(exchange, 405, error("use GET /metrics"));
        return;
      }
      byte[] bytes = scrape.get().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", PROMETHEUS_TEXT);
      exchange.sendResponseHeaders(200, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  private static Integer idAfter(URI uri, String prefix) {
    String rest = uri.getPath().substring(prefix.length());
    return parsePositive(rest);
  }

  private static Integer amount(URI uri) {
    String query = uri.getRawQuery();
    if (query == null) {
      return null;
    }
    for (String pair : query.split("&")) {
      if (pair.startsWith("amount=")) {
        return parsePositive(pair.substring("amount=".length()));
      }
    }
    return null;
  }

  /** Parses a non-negative whole number of up to 9 digits; anything else is {@code null}. */
  private static Integer parsePositive(String digits) {
    if (digits.isEmpty() || digits.length() > 9 || !digits.chars().allMatch(Character::isDigit)) {
      return null;
    }
    return Integer.parseInt(digits);
  }

  private static String error(String message) {
    return "{\"error\":\"" + json(message) + "\"}";
  }

  /** {@code text} escaped for a JSON string, without the quotes. */
  static String json(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.toString();
  }

  private static void respond(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(1);
    executor.shutdown();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
