package dev.domainevents.http;

import dev.domainevents.EventContext;
import dev.domainevents.EventEnvelope;
import dev.domainevents.spi.DeliveryException;
import dev.domainevents.spi.EventDispatcher;
import dev.domainevents.spi.EventNames;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodySubscribers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The proxy's dispatcher: "handling" an event is POSTing it to the service, and the answer decides
 * what the Kafka consumer does next. 2xx returns; 4xx other than 408 and 429 is a {@linkplain
 * DeliveryException#rejected rejection} (dead-letter topic at once, with the status and a bounded
 * excerpt of the body); 5xx, 408, 429, timeouts and refused connections {@linkplain
 * DeliveryException#retryLater fail for now}, honouring {@code Retry-After} on 429 and 503.
 */
final class HttpForwarder implements EventDispatcher {
  /** At most this many bytes of an error body go into the dead letter and the log. */
  static final int MAX_EXCERPT_BYTES = 500;

  /** A {@code Retry-After} beyond this is read as this; the consumer bounds it further. */
  private static final long MAX_RETRY_AFTER_SECONDS = 24 * 3600;

  /** How long after a probe that did not give HTTP/2 the next one may be made. */
  private static final long PROBE_INTERVAL_NANOS = 30_000_000_000L;

  private final HttpClient client;
  private final Duration timeout;

  /** Whether the last answer came over HTTP/2; probed for again while it did not. */
  private volatile boolean onHttp2;

  private volatile long nextProbeNanos = System.nanoTime();
  private final Map<String, URI> uris = new HashMap<>();
  private final Set<String> events = new LinkedHashSet<>();
  private final Map<String, Class<?>> topics = new LinkedHashMap<>();

  HttpForwarder(HttpClient client, URI address, RouteTable routes, Duration timeout) {
    this.client = client;
    this.timeout = timeout;
    String base = address.toString();
    if (base.endsWith("/")) {
      base = base.substring(0, base.length() - 1);
    }
    for (RouteTable.Route route : routes.routes()) {
      uris.put(route.name(), URI.create(base + route.path()));
      if (EventNames.isEventName(route.name())) {
        events.add(route.name());
      } else {
        topics.put(route.name(), byte[].class);
      }
    }
  }

  @Override
  public Set<String> events() {
    return Collections.unmodifiableSet(events);
  }

  @Override
  public Map<String, Class<?>> topics() {
    return Collections.unmodifiableMap(topics);
  }

  @Override
  public boolean dispatch(EventContext context) throws Exception {
    URI uri = uris.get(context.name());
    if (uri == null) {
      return false;
    }
    EventEnvelope envelope = context.envelope();
    HttpRequest request;
    try {
      HttpRequest.Builder builder =
          HttpRequest.newBuilder(uri)
              .timeout(timeout)
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofByteArray((byte[]) envelope.payload()));
      List<String> headers = WireHeaders.of(envelope, context.attempt());
      for (int i = 0; i < headers.size(); i += 2) {
        builder.header(headers.get(i), headers.get(i + 1));
      }
      request = builder.build();
    } catch (IllegalArgumentException e) {
      // A user header HTTP cannot carry (e.g. "Host", or a line break in a value): no retry helps.
      throw DeliveryException.rejected(
          "http-unsendable", "the event cannot travel as an HTTP request: " + e.getMessage());
    }
    if (client.version() == HttpClient.Version.HTTP_2 && !onHttp2) {
      upgrade(uri);
    }
    HttpResponse<InputStream> response;
    try {
      response =
          client.send(
              request,
              info ->
                  info.statusCode() / 100 == 2
                      ? BodySubscribers.replacing(null)
                      : BodySubscribers.ofInputStream());
    } catch (IOException e) {
      // Timeouts, refused and reset connections: the service may be back soon.
      throw DeliveryException.retryLater("POST " + uri + " failed: " + e, Duration.ZERO);
    }
    onHttp2 = response.version() == HttpClient.Version.HTTP_2;
    int status = response.statusCode();
    if (status / 100 == 2) {
      return true;
    }
    String excerpt = excerpt(response.body());
    String message = "POST " + uri + " answered " + status + ": " + excerpt;
    if (status / 100 == 4 && status != 408 && status != 429) {
      throw DeliveryException.rejected("http-" + status, message);
    }
    Duration retryAfter =
        status == 429 || status == 503
            ? retryAfter(response.headers().firstValue("Retry-After").orElse(null))
            : Duration.ZERO;
    throw DeliveryException.retryLater(message, retryAfter);
  }

  /**
   * Opens an h2c connection with a request without a body: servers upgrade only such requests
   * (Jetty declines the upgrade of a POST with content), and the client then sends the POSTs over
   * the upgraded connection. A server without h2c is asked again at most every 30 s.
   */
  private void upgrade(URI uri) throws InterruptedException {
    long now = System.nanoTime();
    if (now - nextProbeNanos < 0) {
      return;
    }
    nextProbeNanos = now + PROBE_INTERVAL_NANOS;
    try {
      HttpResponse<Void> probe =
          client.send(
              HttpRequest.newBuilder(uri)
                  .timeout(timeout)
                  .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                  .build(),
              HttpResponse.BodyHandlers.discarding());
      onHttp2 = probe.version() == HttpClient.Version.HTTP_2;
    } catch (IOException e) {
      // The POST that follows meets the same trouble and is retried as usual.
    }
  }

  private static String excerpt(InputStream body) {
    if (body == null) {
      return "";
    }
    try (body) {
      byte[] head = body.readNBytes(MAX_EXCERPT_BYTES + 1);
      int length = Math.min(head.length, MAX_EXCERPT_BYTES);
      String text = new String(head, 0, length, StandardCharsets.UTF_8).strip();
      return head.length > MAX_EXCERPT_BYTES ? text + "..." : text;
    } catch (IOException e) {
      return "(the body could not be read: " + e + ")";
    }
  }

  /** A {@code Retry-After} value: seconds or an HTTP date; zero when absent or unreadable. */
  static Duration retryAfter(String value) {
    if (value == null || value.isBlank() || value.length() > 64) {
      return Duration.ZERO;
    }
    String trimmed = value.trim();
    if (trimmed.chars().allMatch(c -> c >= '0' && c <= '9')) {
      if (trimmed.length() > 9) {
        return Duration.ofSeconds(MAX_RETRY_AFTER_SECONDS);
      }
      return Duration.ofSeconds(Math.min(Long.parseLong(trimmed), MAX_RETRY_AFTER_SECONDS));
    }
    try {
      ZonedDateTime at = ZonedDateTime.parse(trimmed, DateTimeFormatter.RFC_1123_DATE_TIME);
      Duration wait = Duration.between(ZonedDateTime.now(at.getZone()), at);
      if (wait.isNegative()) {
        return Duration.ZERO;
      }
      return wait.getSeconds() > MAX_RETRY_AFTER_SECONDS
          ? Duration.ofSeconds(MAX_RETRY_AFTER_SECONDS)
          : wait;
    } catch (DateTimeParseException e) {
      return Duration.ZERO;
    }
  }
}
