package dev.domainevents.http;

import static dev.domainevents.http.Fixtures.SHOPPING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.domainevents.Delivery;
import dev.domainevents.EventEnvelope;
import dev.domainevents.EventInterceptor;
import dev.domainevents.EventInterceptors;
import dev.domainevents.http.Fixtures.GoodsObj;
import dev.domainevents.http.Fixtures.RecordingHandler;
import dev.domainevents.http.Fixtures.Sold;
import dev.domainevents.json.JsonPayloadCodec;
import dev.domainevents.spi.Envelopes;
import dev.domainevents.spi.EventCatalog;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The receiver behind a real JDK HttpServer on 127.0.0.1, called by a real HttpClient. */
class EventReceiverTest {
  private static final String BODY = "{\"id\":1,\"amount\":1,\"sequence\":0}";
  private final RecordingHandler handler = new RecordingHandler();
  private final List<EventEnvelope> raised = new CopyOnWriteArrayList<>();
  private final HttpClient client = HttpClient.newHttpClient();
  private HttpServer server;
  private URI uri;
  private EventReceiver receiver;

  @BeforeEach
  void startServer() {
    EventCatalog catalog = EventCatalog.of(Fixtures.registry("goods-shopping"));
    receiver = EventReceiver.create(catalog, JsonPayloadCodec.create(), handler);
    server = Fixtures.server(0);
    receiver.mount(server, "/events");
    server.start();
    uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/events/" + SHOPPING);
  }

  @AfterEach
  void stopServer() {
    server.stop(0);
  }

  private Map<String, String> envelopeHeaders(UUID id) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("de-event-id", id.toString());
    headers.put("de-event-name", SHOPPING);
    headers.put("de-aggregate-type", "Goods");
    headers.put("de-occurred-at", "2026-01-02T03:04:05.123456Z");
    headers.put("de-correlation-id", "corr-7");
    headers.put("de-schema-version", "1");
    headers.put("x-message-key", "42");
    headers.put("x-retry-count", "2");
    headers.put("de-headers", "x-action");
    headers.put("x-action", "buy");
    return headers;
  }

  private HttpResponse<String> post(Map<String, String> headers, String body) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri)
            .timeout(Duration.ofSeconds(30))
            .POST(HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(request::header);
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aDeliveredEventReachesTheHandlerWithItsEnvelope() throws Exception {
    UUID id = UUID.randomUUID();
    HttpResponse<String> response =
        post(envelopeHeaders(id), "{\"id\":42,\"amount\":3,\"sequence\":0}");

    assertEquals(200, response.statusCode(), response.body());
    assertEquals(1, handler.handled.size());
    EventEnvelope envelope = handler.handled.get(0).envelope();
    assertEquals(new GoodsObj(42, 3, 0), envelope.payload());
    assertEquals(id, envelope.eventId());
    assertEquals("Goods", envelope.aggregateType());
    assertEquals("42", envelope.aggregateId());
    assertEquals(Instant.parse("2026-01-02T03:04:05.123456Z"), envelope.occurredAt());
    assertEquals("corr-7", envelope.correlationId());
    assertNull(envelope.causationId());
    assertEquals(Map.of("x-action", "buy"), envelope.headers());
    assertEquals(3, handler.handled.get(0).attempt(), "x-retry-count 2 is the third attempt");
  }

  @Test
  void eventsTheHandlerRaisesAreCausedByTheDeliveredOne() throws Exception {
    handler.behave(
        (goods, context) ->
            raised.add(Envelopes.event("Goods:Sold", "42", new Sold(goods.id()), Map.of())));
    UUID id = UUID.randomUUID();

    assertEquals(
        200, post(envelopeHeaders(id), "{\"id\":42,\"amount\":1,\"sequence\":0}").statusCode());

    assertEquals(1, raised.size());
    assertEquals("corr-7", raised.get(0).correlationId());
    assertEquals(id.toString(), raised.get(0).causationId());
  }

  @Test
  void aHandlerThatThrowsIsA500() throws Exception {
    handler.behave(
        (goods, context) -> {
          throw new IllegalStateException("stock service down");
        });

    HttpResponse<String> response = post(envelopeHeaders(UUID.randomUUID()), BODY);

    assertEquals(500, response.statusCode());
    assertTrue(response.body().contains("IllegalStateException"), response.body());
  }

  @Test
  void requestsThatCanNeverBeHandledAre4xxWithTheReasonAndDispatchNothing() throws Exception {
    List<String> failures = new ArrayList<>();
    Map<String, String> unknown = envelopeHeaders(UUID.randomUUID());
    unknown.put("de-event-name", "Goods:Stolen");
    expect(404, "Goods:Stolen", post(unknown, BODY), failures);

    Map<String, String> registeredButNotHandled = envelopeHeaders(UUID.randomUUID());
    registeredButNotHandled.put("de-event-name", "Goods:Sold");
    expect(404, "Goods:Sold", post(registeredButNotHandled, BODY), failures);

    expect(422, "does not decode", post(envelopeHeaders(UUID.randomUUID()), "{not json"), failures);
    expect(
        422,
        "does not decode",
        post(envelopeHeaders(UUID.randomUUID()), "{\"id\":\"x\"}"),
        failures);
    expect(422, "does not decode", post(envelopeHeaders(UUID.randomUUID()), ""), failures);

    for (String required :
        List.of("de-event-id", "de-event-name", "de-occurred-at", "de-correlation-id")) {
      Map<String, String> missing = envelopeHeaders(UUID.randomUUID());
      missing.remove(required);
      expect(400, required, post(missing, BODY), failures);
    }
    Map<String, String> badId = envelopeHeaders(UUID.randomUUID());
    badId.put("de-event-id", "not-a-uuid");
    expect(400, "de-event-id", post(badId, BODY), failures);
    Map<String, String> badCount = envelopeHeaders(UUID.randomUUID());
    badCount.put("x-retry-count", "-1");
    expect(400, "x-retry-count", post(badCount, BODY), failures);
    Map<String, String> listedButAbsent = envelopeHeaders(UUID.randomUUID());
    listedButAbsent.put("de-headers", "x-action,x-missing");
    expect(400, "x-missing", post(listedButAbsent, BODY), failures);
    // A class name in the request is never read: the payload type comes from the registry.
    Map<String, String> className = envelopeHeaders(UUID.randomUUID());
    className.put("de-payload-type", "java.lang.ProcessBuilder");
    assertEquals(
        200,
        post(
                className,
                "{\"id\":1,\"amount\":0,\"sequence\":0,\"@class\":\"java.lang.ProcessBuilder\"}")
            .statusCode());
    assertEquals(GoodsObj.class, handler.handled.get(0).envelope().payload().getClass());

    HttpResponse<String> get =
        client.send(
            HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
    expect(405, "POST", get, failures);

    assertTrue(failures.isEmpty(), String.join("\n", failures));
    assertEquals(1, handler.handled.size(), "only the class-name request was dispatched");
  }

  private static void expect(
      int status, String reason, HttpResponse<String> response, List<String> failures) {
    if (response.statusCode() != status || !response.body().contains(reason)) {
      failures.add(
          "expected "
              + status
              + " naming "
              + reason
              + ", got "
              + response.statusCode()
              + " "
              + response.body());
    }
  }

  @Test
  void thePlainFunctionAnswersWithoutAnHttpServer() {
    EventReceiver receiver =
        EventReceiver.create(
            EventCatalog.of(Fixtures.registry("goods-shopping")),
            JsonPayloadCodec.create(),
            handler);
    Map<String, List<String>> headers = new LinkedHashMap<>();
    envelopeHeaders(UUID.randomUUID()).forEach((k, v) -> headers.put(k.toUpperCase(), List.of(v)));

    EventReceiver.Response response =
        receiver.receive(
            headers, "{\"id\":5,\"amount\":0,\"sequence\":0}".getBytes(StandardCharsets.UTF_8));

    assertEquals(new EventReceiver.Response(200, "handled"), response);
    assertEquals(new GoodsObj(5, 0, 0), handler.handled.get(0).envelope().payload());
  }

  /** A body of exactly {@code length} bytes that decodes into the event's payload. */
  private static String bodyOf(int length) {
    String body = "{\"id\":1,\"amount\":1,\"sequence\":0}";
    return body.substring(0, body.length() - 1) + " ".repeat(length - body.length()) + "}";
  }

  @Test
  void aBodyOverTheConfiguredMaximumIs413AndNothingIsDispatched() throws Exception {
    EventReceiver small = receiver.withMaxBodyBytes(40);
    assertEquals(40, small.maxBodyBytes());
    assertEquals(EventReceiver.DEFAULT_MAX_BODY_BYTES, receiver.maxBodyBytes());
    small.mount(server, "/small");
    uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/small/" + SHOPPING);
    List<String> failures = new ArrayList<>();

    // With a Content-Length: refused before the body is read.
    expect(
        413,
        "larger than 40 bytes",
        post(envelopeHeaders(UUID.randomUUID()), bodyOf(41)),
        failures);
    // Chunked, without one: read only up to the bound. The JDK server drains at most 64 KiB of an
    // unread body before it keeps the connection; a longer body makes it close with bytes unread,
    // and the reset that follows can reach the client before the 413 it already sent.
    HttpRequest.Builder chunked =
        HttpRequest.newBuilder(uri)
            .timeout(Duration.ofSeconds(30))
            .POST(
                HttpRequest.BodyPublishers.ofInputStream(
                    () ->
                        new ByteArrayInputStream(bodyOf(50_000).getBytes(StandardCharsets.UTF_8))));
    envelopeHeaders(UUID.randomUUID()).forEach(chunked::header);
    expect(
        413,
        "larger than 40 bytes",
        client.send(chunked.build(), HttpResponse.BodyHandlers.ofString()),
        failures);
    // The plain function bounds the body too.
    Map<String, List<String>> headers = new LinkedHashMap<>();
    envelopeHeaders(UUID.randomUUID()).forEach((k, v) -> headers.put(k, List.of(v)));
    EventReceiver.Response plain =
        small.receive(headers, bodyOf(41).getBytes(StandardCharsets.UTF_8));
    if (plain.status() != 413) {
      failures.add("the plain function answered " + plain);
    }
    assertTrue(failures.isEmpty(), String.join("\n", failures));
    assertTrue(handler.handled.isEmpty(), "nothing dispatched");

    assertEquals(200, post(envelopeHeaders(UUID.randomUUID()), bodyOf(40)).statusCode());
    assertEquals(1, handler.handled.size(), "a body of exactly the maximum is taken");
  }

  @Test
  void theMaximumIsBounded() {
    for (int bad : new int[] {0, -1, EventReceiver.DEFAULT_MAX_BODY_BYTES + 1}) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> receiver.withMaxBodyBytes(bad));
      assertTrue(e.getMessage().contains("maxBytes must be 1 to"), e.getMessage());
    }
  }

  @Test
  void anOlderVersionIsUpcastAndANewerOneIs422() {
    EventReceiver atTwo =
        EventReceiver.create(
            EventCatalog.of(Fixtures.registry("goods-shopping", 2)),
            JsonPayloadCodec.create(),
            handler);
    Map<String, List<String>> v1 = new LinkedHashMap<>();
    envelopeHeaders(UUID.randomUUID()).forEach((k, v) -> v1.put(k, List.of(v)));
    EventReceiver.Response old =
        atTwo.receive(
            v1, "{\"id\":9,\"quantity\":4,\"sequence\":0}".getBytes(StandardCharsets.UTF_8));
    assertEquals(new EventReceiver.Response(200, "handled"), old);
    assertEquals(new GoodsObj(9, 4, 0), handler.handled.get(0).envelope().payload());
    assertEquals(2, handler.handled.get(0).envelope().schemaVersion());

    Map<String, List<String>> v3 = new LinkedHashMap<>(v1);
    v3.put("de-schema-version", List.of("3"));
    EventReceiver.Response newer = atTwo.receive(v3, BODY.getBytes(StandardCharsets.UTF_8));
    assertEquals(422, newer.status());
    assertTrue(newer.body().contains("schema version 3"), newer.body());
    assertEquals(1, handler.handled.size(), "the newer version was not dispatched");
  }

  @Test
  void interceptorsSeeTheRouteAndTheOutcomeOfEachDelivery() {
    List<String> seen = new CopyOnWriteArrayList<>();
    EventInterceptor recorder =
        new EventInterceptor() {
          @Override
          public void onOutcome(Delivery delivery, Outcome outcome, Throwable cause, long nanos) {
            seen.add(delivery.system() + " " + delivery.destination() + " " + outcome);
          }
        };
    EventReceiver receiver =
        EventReceiver.create(
                EventCatalog.of(Fixtures.registry("goods-shopping")),
                JsonPayloadCodec.create(),
                handler)
            .withInterceptors(EventInterceptors.builder().add(recorder).build());
    Map<String, List<String>> headers = new LinkedHashMap<>();
    envelopeHeaders(UUID.randomUUID()).forEach((k, v) -> headers.put(k, List.of(v)));
    byte[] body = "{\"id\":5,\"amount\":0,\"sequence\":0}".getBytes(StandardCharsets.UTF_8);

    assertEquals(200, receiver.receive("/events/" + SHOPPING, headers, body).status());
    handler.behave(
        (goods, context) -> {
          throw new IllegalStateException("down");
        });
    assertEquals(500, receiver.receive("/events/" + SHOPPING, headers, body).status());

    assertEquals(
        List.of("http /events/" + SHOPPING + " HANDLED", "http /events/" + SHOPPING + " RETRIED"),
        seen);
  }
}
