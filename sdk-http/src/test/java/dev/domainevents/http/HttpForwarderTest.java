package dev.domainevents.http;

import static dev.domainevents.http.Fixtures.SHOPPING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.domainevents.EventContext;
import dev.domainevents.EventEnvelope;
import dev.domainevents.spi.DeliveryException;
import dev.domainevents.spi.Envelopes;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What each answer of a real HttpServer on 127.0.0.1 makes of a delivery: the proxy's status table,
 * without a broker.
 */
class HttpForwarderTest {
  private HttpServer server;
  private volatile int status;
  private volatile String body = "";
  private volatile String retryAfter;

  @BeforeEach
  void start() {
    server = Fixtures.server(0);
    server.createContext(
        "/",
        exchange -> {
          try (exchange) {
            exchange.getRequestBody().readAllBytes();
            if (retryAfter != null) {
              exchange.getResponseHeaders().set("Retry-After", retryAfter);
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
              try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
              }
            }
          }
        });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private static HttpForwarder forwarder(int port) throws IOException {
    Properties routes = new Properties();
    routes.put(SHOPPING + ".route", "/events/" + SHOPPING);
    return new HttpForwarder(
        HttpClient.newHttpClient(),
        URI.create("http://127.0.0.1:" + port),
        RouteTable.parse(routes),
        Duration.ofSeconds(5));
  }

  private boolean deliver() throws Exception {
    EventEnvelope envelope =
        Envelopes.event(SHOPPING, "1", "{}".getBytes(StandardCharsets.UTF_8), Map.of());
    return forwarder(server.getAddress().getPort()).dispatch(EventContext.of(envelope));
  }

  @ParameterizedTest
  @ValueSource(ints = {200, 202, 204})
  void twoHundredsAreDelivered(int answer) throws Exception {
    status = answer;
    assertTrue(deliver());
  }

  @ParameterizedTest
  @ValueSource(ints = {400, 401, 404, 409, 413, 422})
  void fourHundredsOtherThan408And429AreRejectedWithTheStatusAndTheBody(int answer) {
    status = answer;
    body = "no such goods";
    DeliveryException e = assertThrows(DeliveryException.class, this::deliver);
    assertTrue(e.isRejected());
    assertEquals("http-" + answer, e.reason());
    assertTrue(e.getMessage().contains("answered " + answer + ": no such goods"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(ints = {408, 429, 500, 502, 503})
  void timeoutsThrottlingAndServerErrorsAreRetried(int answer) {
    status = answer;
    DeliveryException e = assertThrows(DeliveryException.class, this::deliver);
    assertFalse(e.isRejected());
    assertEquals(Duration.ZERO, e.retryAfter());
  }

  @ParameterizedTest
  @ValueSource(ints = {429, 503})
  void retryAfterIsHonouredOn429And503(int answer) {
    status = answer;
    retryAfter = "3";
    DeliveryException e = assertThrows(DeliveryException.class, this::deliver);
    assertEquals(Duration.ofSeconds(3), e.retryAfter());
  }

  @Test
  void retryAfterIsIgnoredOnOtherStatuses() {
    status = 500;
    retryAfter = "3";
    assertEquals(Duration.ZERO, assertThrows(DeliveryException.class, this::deliver).retryAfter());
  }

  @Test
  void theBodyExcerptIsBounded() {
    status = 400;
    body = "x".repeat(10_000);
    DeliveryException e = assertThrows(DeliveryException.class, this::deliver);
    assertTrue(e.getMessage().endsWith("x".repeat(HttpForwarder.MAX_EXCERPT_BYTES) + "..."));
    assertTrue(e.getMessage().length() < HttpForwarder.MAX_EXCERPT_BYTES + 200);
  }

  @Test
  void aRefusedConnectionIsRetried() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    EventEnvelope envelope =
        Envelopes.event(SHOPPING, "1", "{}".getBytes(StandardCharsets.UTF_8), Map.of());
    HttpForwarder forwarder = forwarder(closedPort);
    DeliveryException e =
        assertThrows(DeliveryException.class, () -> forwarder.dispatch(EventContext.of(envelope)));
    assertFalse(e.isRejected());
  }

  @Test
  void aHeaderHttpCannotCarryIsRejected() {
    status = 200;
    EventEnvelope envelope =
        Envelopes.event(
            SHOPPING, "1", "{}".getBytes(StandardCharsets.UTF_8), Map.of("x-bad", "a\r\nb"));
    DeliveryException e =
        assertThrows(
            DeliveryException.class,
            () -> forwarder(server.getAddress().getPort()).dispatch(EventContext.of(envelope)));
    assertEquals("http-unsendable", e.reason());
  }
}
