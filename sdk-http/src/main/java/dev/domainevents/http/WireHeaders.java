package dev.domainevents.http;

import dev.domainevents.EventEnvelope;
import dev.domainevents.kafka.EnvelopeHeaders;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The HTTP form of an envelope, written by the proxy and read by the receiver: the payload is the
 * body, the envelope travels in the {@link EnvelopeHeaders} of the Kafka record under the same
 * names, and the user's headers under their own names, listed in {@link #USER_HEADERS} so that the
 * receiver never mistakes a header of the HTTP stack ({@code Host}, {@code User-Agent}) for one of
 * the user's. The seed's {@link #MESSAGE_KEY} and {@link #RETRY_COUNT} come on top.
 */
final class WireHeaders {
  /** The record key, the aggregate id: the seed's header. */
  static final String MESSAGE_KEY = "x-message-key";

  /** Deliveries before this one, 0 on the first: the seed's header. */
  static final String RETRY_COUNT = "x-retry-count";

  /** The names of the user's headers, comma-separated. */
  static final String USER_HEADERS = "de-headers";

  /** More user headers than this make a request malformed. */
  static final int MAX_USER_HEADERS = 64;

  /** A header value longer than this makes a request malformed. */
  static final int MAX_VALUE_LENGTH = 8 * 1024;

  private WireHeaders() {}

  /**
   * The headers that carry {@code envelope} on its {@code attempt}, as name-value pairs in a fixed
   * order: the envelope's, the seed's, then the user's.
   */
  static List<String> of(EventEnvelope envelope, int attempt) {
    List<String> headers = new ArrayList<>(24 + envelope.headers().size() * 2);
    add(headers, EnvelopeHeaders.EVENT_ID, envelope.eventId().toString());
    add(headers, EnvelopeHeaders.EVENT_NAME, envelope.name());
    add(headers, EnvelopeHeaders.AGGREGATE_TYPE, envelope.aggregateType());
    if (envelope.aggregateId() != null) {
      add(headers, EnvelopeHeaders.AGGREGATE_ID, envelope.aggregateId());
      add(headers, MESSAGE_KEY, envelope.aggregateId());
    }
    add(headers, EnvelopeHeaders.OCCURRED_AT, envelope.occurredAt().toString());
    add(headers, EnvelopeHeaders.CORRELATION_ID, envelope.correlationId());
    if (envelope.causationId() != null) {
      add(headers, EnvelopeHeaders.CAUSATION_ID, envelope.causationId());
    }
    add(headers, EnvelopeHeaders.SCHEMA_VERSION, Integer.toString(envelope.schemaVersion()));
    add(headers, RETRY_COUNT, Integer.toString(attempt - 1));
    if (!envelope.headers().isEmpty()) {
      // Sorted, so that a request is the same whatever the map's iteration order.
      List<String> names = new ArrayList<>(envelope.headers().keySet());
      names.sort(null);
      add(headers, USER_HEADERS, String.join(",", names));
      for (String name : names) {
        add(headers, name, envelope.headers().get(name));
      }
    }
    return headers;
  }

  private static void add(List<String> headers, String name, String value) {
    headers.add(name);
    headers.add(value);
  }

  /** The user's headers of a request whose headers {@code lower} are keyed by lower-case name. */
  static Map<String, String> userHeaders(Map<String, String> lower) {
    String list = lower.get(USER_HEADERS);
    if (list == null || list.isEmpty()) {
      return Map.of();
    }
    String[] names = list.split(",", MAX_USER_HEADERS + 1);
    if (names.length > MAX_USER_HEADERS) {
      throw new MalformedRequest(
          "header " + USER_HEADERS + " lists more than " + MAX_USER_HEADERS + " headers");
    }
    Map<String, String> user = new LinkedHashMap<>();
    for (String name : names) {
      String trimmed = name.trim();
      String value = lower.get(trimmed.toLowerCase(Locale.ROOT));
      if (value == null) {
        throw new MalformedRequest(
            "header " + USER_HEADERS + " lists \"" + excerpt(trimmed) + "\", which is missing");
      }
      user.put(trimmed, value);
    }
    return user;
  }

  static String excerpt(String value) {
    return value.length() <= 100 ? value : value.substring(0, 100) + "...";
  }

  /** A request that can never be handled: answered 400 with the message. */
  static final class MalformedRequest extends RuntimeException {
    private static final long serialVersionUID = 1L;

    MalformedRequest(String message) {
      super(message, null, false, false);
    }
  }
}
