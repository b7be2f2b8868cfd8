package dev.domainevents.http;

import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.domainevents.Delivery;
import dev.domainevents.EventContext;
import dev.domainevents.EventEnvelope;
import dev.domainevents.EventInterceptor.Outcome;
import dev.domainevents.EventInterceptors;
import dev.domainevents.EventType;
import dev.domainevents.json.JsonPayloadCodec;
import dev.domainevents.kafka.EnvelopeHeaders;
import dev.domainevents.spi.DispatchTable;
import dev.domainevents.spi.EventCatalog;
import dev.domainevents.spi.EventDispatcher;
import dev.domainevents.spi.EventNames;
import dev.domainevents.spi.PayloadCodec;
import dev.domainevents.spi.PayloadDecodingException;
import dev.domainevents.spi.Upcasting;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes events delivered over HTTP, e.g. by {@link HttpProxy}, and dispatches each to the same
 * generated dispatchers, and so the same {@code @EventHandler} methods, as in-process delivery.
 *
 * <pre>{@code
 * EventReceiver receiver = EventReceiver.create(new StoreController(stock));
 * receiver.mount(server, "/events");           // on a JDK HttpServer
 * EventReceiver.Response r = receiver.receive(headers, body); // from any other HTTP stack
 * }</pre>
 *
 * <p>The body is the payload; the envelope is in the {@code de-} headers of {@link
 * EnvelopeHeaders}. The payload is decoded only into the type the catalog registers for the event's
 * name (or a handler declares for a plain topic): nothing in the request names a class. The answer
 * says what the sender should do:
 *
 * <ul>
 *   <li>200: a handler handled the event;
 *   <li>400: a header is missing or malformed; 404: no handler here handles the event; 413: the
 *       body is larger than {@link #maxBodyBytes()} (16 MiB unless set with {@link
 *       #withMaxBodyBytes}); 422: the body does not decode into the event's payload type, or was
 *       written with a schema version newer than this service's, or older with no upcaster chain to
 *       the current one. These never get better; nothing was dispatched, and the body says why;
 *   <li>500: a handler threw; try again later.
 * </ul>
 *
 * <p>Events the handler raises are caused by the delivered one and share its correlation id,
 * exactly as in-process. Thread-safe.
 */
public final class EventReceiver {
  private static final Logger log = LoggerFactory.getLogger(EventReceiver.class);

  /** The largest body taken by default: what the default JSON codec decodes at most. */
  public static final int DEFAULT_MAX_BODY_BYTES = JsonPayloadCodec.MAX_INPUT_BYTES;

  private static final String SYSTEM = "http";

  /** A route longer than this is cut in what interceptors see: it comes from the request. */
  private static final int ROUTE_MAX_CHARS = 200;

  private final EventCatalog catalog;
  private final PayloadCodec codec;
  private final DispatchTable table;
  private final List<EventDispatcher> handlers;
  private final EventInterceptors interceptors;
  private final int maxBodyBytes;

  private EventReceiver(
      EventCatalog catalog,
      PayloadCodec codec,
      List<EventDispatcher> handlers,
      EventInterceptors interceptors,
      int maxBodyBytes) {
    this.catalog = catalog;
    this.codec = codec;
    this.handlers = handlers;
    this.interceptors = interceptors;
    this.maxBodyBytes = maxBodyBytes;
    this.table = DispatchTable.of(handlers, interceptors, SYSTEM);
    for (String event : table.events()) {
      catalog.require(event);
    }
  }

  /**
   * Returns a receiver for {@code handlers}, with the events of every generated registry on the
   * class path and the default JSON codec.
   */
  public static EventReceiver create(Object... handlers) {
    return create(EventCatalog.load(), JsonPayloadCodec.create(), handlers);
  }

  /**
   * Returns a receiver for {@code handlers}: objects with {@code @EventHandler} methods, or
   * dispatchers.
   *
   * @throws IllegalArgumentException if a handler has no generated dispatcher, or handles an event
   *     that {@code catalog} does not register
   */
  public static EventReceiver create(EventCatalog catalog, PayloadCodec codec, Object... handlers) {
    Objects.requireNonNull(catalog, "catalog");
    Objects.requireNonNull(codec, "codec");
    Objects.requireNonNull(handlers, "handlers");
    List<EventDispatcher> dispatchers = new ArrayList<>(handlers.length);
    for (Object handler : handlers) {
      dispatchers.add(catalog.dispatcherFor(handler));
    }
    return new EventReceiver(
        catalog, codec, dispatchers, EventInterceptors.defaults(), DEFAULT_MAX_BODY_BYTES);
  }

  /**
   * Returns a receiver like this one that runs {@code interceptors} around each delivery: they see
   * a {@link Delivery} of system {@code http} whose destination is the request's path, and {@code
   * HANDLED} (answered 200) or {@code RETRIED} (a handler threw, answered 500: the sender tries
   * again). Requests answered 4xx reach no handler and are not reported. The default runs the log
   * context alone.
   */
  public EventReceiver withInterceptors(EventInterceptors interceptors) {
    Objects.requireNonNull(interceptors, "interceptors");
    return new EventReceiver(catalog, codec, handlers, interceptors, maxBodyBytes);
  }

  /**
   * Returns a receiver like this one that takes bodies of at most {@code maxBytes} bytes and
   * answers a longer one 413 without decoding or dispatching it. On a JDK {@code HttpServer} a
   * request whose {@code Content-Length} says it is longer is answered before its body is read, and
   * a body without one is read only up to the bound. The default is {@link
   * #DEFAULT_MAX_BODY_BYTES}.
   *
   * @throws IllegalArgumentException if {@code maxBytes} is not 1 to {@link
   *     #DEFAULT_MAX_BODY_BYTES}
   */
  public EventReceiver withMaxBodyBytes(int maxBytes) {
    if (maxBytes < 1 || maxBytes > DEFAULT_MAX_BODY_BYTES) {
      throw new IllegalArgumentException(
          "maxBytes must be 1 to " + DEFAULT_MAX_BODY_BYTES + ", was " + maxBytes);
    }
    return new EventReceiver(catalog, codec, handlers, interceptors, maxBytes);
  }

  /** The largest body this receiver takes, in bytes. */
  public int maxBodyBytes() {
    return maxBodyBytes;
  }

  /**
   * What to answer: the status and a short text body.
   *
   * @param status 200, 4xx or 500, see {@link EventReceiver}
   * @param body why, in one line
   */
  public record Response(int status, String body) {}

  /**
   * Handles one delivery. Header names are matched without regard to case, as HTTP requires; where
   * a header has several values the first counts.
   *
   * @param headers the request's headers
   * @param body the request's body, the payload
   */
  public Response receive(Map<String, List<String>> headers, byte[] body) {
    return receive("/", headers, body);
  }

  /**
   * Handles one delivery like {@link #receive(Map, byte[])}, for interceptors from {@code route},
   * the request's path.
   */
  public Response receive(String route, Map<String, List<String>> headers, byte[] body) {
    Objects.requireNonNull(route, "route");
    Objects.requireNonNull(headers, "headers");
    Objects.requireNonNull(body, "body");
    if (body.length > maxBodyBytes) {
      return tooLarge();
    }
    Map<String, String> lower = new HashMap<>();
    for (Map.Entry<String, List<String>> header : headers.entrySet()) {
      if (header.getKey() != null && !header.getValue().isEmpty()) {
        lower.putIfAbsent(header.getKey().toLowerCase(Locale.ROOT), header.getValue().get(0));
      }
    }
    EventContext context;
    try {
      context = decode(lower, body);
    } catch (WireHeaders.MalformedRequest e) {
      return new Response(400, e.getMessage());
    } catch (UnknownEvent e) {
      return new Response(404, e.getMessage());
    } catch (PayloadDecodingException e) {
      return new Response(
          e.problem() == PayloadDecodingException.Problem.TOO_LARGE ? 413 : 422,
          "the body does not decode: " + e.getMessage());
    }
    if (!interceptors.isEmpty()) {
      String destination =
          route.length() <= ROUTE_MAX_CHARS ? route : route.substring(0, ROUTE_MAX_CHARS) + "...";
      context = Delivery.of(context, SYSTEM, destination, null);
    }
    long start = System.nanoTime();
    try {
      table.dispatch(context);
      report(context, Outcome.HANDLED, null, start);
      return new Response(200, "handled");
    } catch (Exception | AssertionError | LinkageError e) {
      report(context, Outcome.RETRIED, e, start);
      log.warn(
          "handler of {} {} failed on delivery {}: {}",
          context.name(),
          context.eventId(),
          context.attempt(),
          e.toString());
      return new Response(500, "the handler failed: " + e.getClass().getSimpleName());
    }
  }

  private EventContext decode(Map<String, String> lower, byte[] body) {
    String name = required(lower, EnvelopeHeaders.EVENT_NAME);
    Class<?> payloadType;
    String aggregateType;
    EventType<?> eventType = null;
    if (EventNames.isEventName(name)) {
      EventType<?> type = catalog.find(name);
      if (type == null || !table.handles(name)) {
        throw new UnknownEvent(
            "no handler of this service handles \"" + WireHeaders.excerpt(name) + "\"");
      }
      name = type.name();
      payloadType = type.payloadType();
      aggregateType = type.aggregateType();
      eventType = type;
    } else {
      payloadType = table.topics().get(name);
      if (payloadType == null) {
        throw new UnknownEvent(
            "\"" + WireHeaders.excerpt(name) + "\" is neither a handled event nor a handled topic");
      }
      aggregateType = "";
    }
    UUID eventId;
    String id = required(lower, EnvelopeHeaders.EVENT_ID);
    try {
      eventId = UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      throw malformed(EnvelopeHeaders.EVENT_ID, id);
    }
    Instant occurredAt;
    String occurred = required(lower, EnvelopeHeaders.OCCURRED_AT);
    try {
      occurredAt = Instant.parse(occurred);
    } catch (DateTimeException e) {
      throw malformed(EnvelopeHeaders.OCCURRED_AT, occurred);
    }
    String correlationId = required(lower, EnvelopeHeaders.CORRELATION_ID);
    String causationId = optional(lower, EnvelopeHeaders.CAUSATION_ID);
    String aggregateId = optional(lower, EnvelopeHeaders.AGGREGATE_ID);
    if (aggregateId == null) {
      aggregateId = optional(lower, WireHeaders.MESSAGE_KEY);
    }
    int version = number(lower, EnvelopeHeaders.SCHEMA_VERSION, 1, 1);
    int attempt = number(lower, WireHeaders.RETRY_COUNT, 0, 0) + 1;
    Map<String, String> user = WireHeaders.userHeaders(lower);
    // An older version goes through the upcasters; a newer one fails here, never misread.
    Object payload =
        eventType == null
            ? codec.decode(body, payloadType)
            : Upcasting.decode(codec, catalog, eventType, version, body);
    if (eventType != null) {
      version = eventType.schemaVersion();
    }
    EventEnvelope envelope =
        new EventEnvelope(
            eventId,
            name,
            aggregateType,
            aggregateId,
            payload,
            user,
            occurredAt,
            correlationId,
            causationId,
            version);
    return EventContext.of(envelope, attempt);
  }

  private static String required(Map<String, String> lower, String header) {
    String value = optional(lower, header);
    if (value == null || value.isEmpty()) {
      throw new WireHeaders.MalformedRequest("required header " + header + " is missing");
    }
    return value;
  }

  private static String optional(Map<String, String> lower, String header) {
    String value = lower.get(header);
    if (value != null && value.length() > WireHeaders.MAX_VALUE_LENGTH) {
      throw new WireHeaders.MalformedRequest(
          "header " + header + " is longer than " + WireHeaders.MAX_VALUE_LENGTH + " characters");
    }
    return value;
  }

  /** A header holding an integer of at least {@code min} and at most a billion, or a default. */
  private static int number(Map<String, String> lower, String header, int min, int absent) {
    String value = optional(lower, header);
    if (value == null) {
      return absent;
    }
    try {
      int parsed = Integer.parseInt(value.trim());
      if (parsed < min || parsed > 1_000_000_000) {
        throw malformed(header, value);
      }
      return parsed;
    } catch (NumberFormatException e) {
      throw malformed(header, value);
    }
  }

  private static WireHeaders.MalformedRequest malformed(String header, String value) {
    return new WireHeaders.MalformedRequest(
        "header " + header + " is malformed: \"" + WireHeaders.excerpt(value) + "\"");
  }

  private void report(EventContext context, Outcome outcome, Throwable cause, long start) {
    if (context instanceof Delivery delivery) {
      interceptors.outcome(delivery, outcome, cause, System.nanoTime() - start);
    }
  }

  /** An event no handler here handles: answered 404. */
  private static final class UnknownEvent extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UnknownEvent(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * Mounts this receiver on {@code server} at {@code path}: it takes POSTs to the path and every
   * path below it, e.g. the proxy's per-event routes.
   */
  public HttpContext mount(HttpServer server, String path) {
    Objects.requireNonNull(server, "server");
    Objects.requireNonNull(path, "path");
    return server.createContext(path, handler());
  }

  /** This receiver as a JDK {@link HttpHandler}, to wrap or mount yourself. */
  public HttpHandler handler() {
    return this::exchange;
  }

  private void exchange(HttpExchange exchange) throws IOException {
    try (exchange) {
      Response response;
      if (!exchange.getRequestMethod().equals("POST")) {
        exchange.getResponseHeaders().set("Allow", "POST");
        response = new Response(405, "events are POSTed");
      } else if (declaredLength(exchange) > maxBodyBytes) {
        // Refused before reading: the sender learns at once, and nothing is buffered.
        response = tooLarge();
      } else {
        byte[] body = exchange.getRequestBody().readNBytes(maxBodyBytes + 1);
        response =
            body.length > maxBodyBytes
                ? tooLarge()
                : receive(exchange.getRequestURI().getPath(), exchange.getRequestHeaders(), body);
      }
      byte[] text = (response.body() + "\n").getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
      exchange.sendResponseHeaders(response.status(), text.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(text);
      }
    }
  }

  private Response tooLarge() {
    return new Response(413, "the body is larger than " + maxBodyBytes + " bytes");
  }

  /** The request's {@code Content-Length}, or -1 if it has none or an unreadable one. */
  private static long declaredLength(HttpExchange exchange) {
    String value = exchange.getRequestHeaders().getFirst("Content-Length");
    if (value == null || value.isEmpty() || value.length() > 19) {
      return -1;
    }
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
