package dev.domainevents.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.LongString;
import dev.domainevents.EventEnvelope;
import dev.domainevents.EventType;
import dev.domainevents.spi.DispatchTable;
import dev.domainevents.spi.EncodedPayload;
import dev.domainevents.spi.EventCatalog;
import dev.domainevents.spi.EventNames;
import dev.domainevents.spi.NewerVersions;
import dev.domainevents.spi.PayloadCodec;
import dev.domainevents.spi.PayloadDecodingException;
import dev.domainevents.spi.Topics;
import dev.domainevents.spi.Upcasting;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Turns envelopes into AMQP messages and deliveries back into envelopes. The payload type of a
 * delivery comes from the catalog (events) or the handlers' declared topic types (plain messages),
 * looked up by the {@code type} property: nothing on the wire names a class. Every string read from
 * a delivery is bounded.
 */
final class AmqpEnvelopeCodec {
  static final String JSON = "application/json";

  /** The most headers a delivery may carry, and the longest header value, in characters. */
  private static final int MAX_HEADERS = 256;

  private static final int MAX_HEADER_CHARS = 8_192;
  private static final int PERSISTENT = 2;

  private final PayloadCodec payloads;
  private final EventCatalog catalog;
  private final DispatchTable table;
  private final NewerVersions newerVersions;

  AmqpEnvelopeCodec(
      PayloadCodec payloads,
      EventCatalog catalog,
      DispatchTable table,
      NewerVersions newerVersions) {
    this.payloads = payloads;
    this.catalog = catalog;
    this.table = table;
    this.newerVersions = newerVersions;
  }

  /** A delivery decoded: the envelope, and the retry state a retry-queue copy carries. */
  record Delivery(EventEnvelope envelope, int attempts, int retryRound) {}

  /**
   * The registered type of {@code envelope}, or {@code null} for a plain message.
   *
   * @throws IllegalArgumentException if its event is not registered
   */
  EventType<?> typeOf(EventEnvelope envelope) {
    if (envelope.aggregateType().isEmpty()) {
      return null;
    }
    return envelope.type() != null ? envelope.type() : catalog.require(envelope.name());
  }

  /** Whether payloads are written with {@code codec}, or a codec equal to it. */
  boolean writesWith(PayloadCodec codec) {
    return payloads.equals(codec);
  }

  byte[] body(EventEnvelope envelope) {
    // An outbox relay's stored payload ships in the bytes it was stored in.
    return EncodedPayload.encode(payloads, envelope.payload());
  }

  AMQP.BasicProperties properties(EventEnvelope envelope) {
    Map<String, Object> headers = new HashMap<>(envelope.headers().size() + 5);
    headers.putAll(envelope.headers());
    headers.put(AmqpHeaders.AGGREGATE_TYPE, envelope.aggregateType());
    if (envelope.aggregateId() != null) {
      headers.put(AmqpHeaders.AGGREGATE_ID, envelope.aggregateId());
    }
    headers.put(AmqpHeaders.OCCURRED_AT, envelope.occurredAt().toString());
    if (envelope.causationId() != null) {
      headers.put(AmqpHeaders.CAUSATION_ID, envelope.causationId());
    }
    headers.put(AmqpHeaders.SCHEMA_VERSION, envelope.schemaVersion());
    return new AMQP.BasicProperties.Builder()
        .deliveryMode(PERSISTENT)
        .contentType(JSON)
        .messageId(envelope.eventId().toString())
        .correlationId(envelope.correlationId())
        .type(envelope.name())
        .timestamp(Date.from(envelope.occurredAt()))
        .headers(headers)
        .build();
  }

  /**
   * Decodes a delivery.
   *
   * @param fromRetryQueue whether the broker dead-lettered it back from the retry queue: only then
   *     are its retry headers read
   * @return {@code null} if no handler of this service handles its event
   * @throws PoisonMessageException if no handler call can succeed on it
   */
  Delivery decode(AMQP.BasicProperties properties, byte[] body, boolean fromRetryQueue)
      throws PoisonMessageException {
    String name = required("type", properties.getType());
    String eventId = required("message-id", properties.getMessageId());
    String correlationId = required("correlation-id", properties.getCorrelationId());
    Map<String, Object> raw = properties.getHeaders() == null ? Map.of() : properties.getHeaders();
    if (raw.size() > MAX_HEADERS) {
      throw new PoisonMessageException(
          PoisonMessageException.MALFORMED_HEADER,
          "the message has " + raw.size() + " headers, more than " + MAX_HEADERS,
          null);
    }
    UUID id;
    try {
      id = UUID.fromString(eventId);
    } catch (IllegalArgumentException e) {
      throw malformed("message-id", "is not a UUID");
    }
    Class<?> payloadType;
    String aggregateType;
    EventType<?> eventType = null;
    if (EventNames.isEventName(name)) {
      EventType<?> type = catalog.find(name);
      if (type == null) {
        throw new PoisonMessageException(
            PoisonMessageException.UNKNOWN_EVENT,
            "\"" + excerpt(name) + "\" is not a registered event",
            null);
      }
      if (!table.handles(name)) {
        return null;
      }
      payloadType = type.payloadType();
      aggregateType = type.aggregateType();
      eventType = type;
    } else if (Topics.isLegal(name) && table.topics().containsKey(name)) {
      payloadType = table.topics().get(name);
      aggregateType = "";
    } else {
      throw new PoisonMessageException(
          PoisonMessageException.UNKNOWN_EVENT,
          "\"" + excerpt(name) + "\" is neither a registered event nor a handled topic",
          null);
    }
    Instant occurredAt;
    try {
      occurredAt =
          Instant.parse(required(AmqpHeaders.OCCURRED_AT, string(raw, AmqpHeaders.OCCURRED_AT)));
    } catch (DateTimeParseException e) {
      throw malformed(AmqpHeaders.OCCURRED_AT, "is not an ISO-8601 instant");
    }
    int schemaVersion = number(raw, AmqpHeaders.SCHEMA_VERSION, 1);
    if (schemaVersion < 1) {
      throw malformed(AmqpHeaders.SCHEMA_VERSION, "is not positive");
    }
    Map<String, String> headers = new HashMap<>();
    for (Map.Entry<String, Object> header : raw.entrySet()) {
      String key = header.getKey();
      if (!key.startsWith(AmqpHeaders.PREFIX) && !isBrokers(key)) {
        headers.put(key, string(raw, key));
      }
    }
    if (eventType != null && newerVersions.skips(eventType, schemaVersion)) {
      return null; // acknowledged unhandled, as configured, instead of dead-lettered
    }
    Object payload;
    try {
      // An older version goes through the upcasters; a newer one fails here, never misread.
      payload =
          eventType == null
              ? payloads.decode(body, payloadType)
              : Upcasting.decode(payloads, catalog, eventType, schemaVersion, body);
    } catch (PayloadDecodingException e) {
      throw new PoisonMessageException(reason(e.problem()), e.getMessage(), e);
    }
    int attempts = fromRetryQueue ? number(raw, AmqpHeaders.ATTEMPTS, 0) : 0;
    int round = fromRetryQueue ? number(raw, AmqpHeaders.RETRY_ROUND, 0) : 0;
    EventEnvelope envelope =
        new EventEnvelope(
            id,
            name,
            aggregateType,
            string(raw, AmqpHeaders.AGGREGATE_ID),
            payload,
            headers,
            occurredAt,
            correlationId,
            string(raw, AmqpHeaders.CAUSATION_ID),
            // An older version was upcast: the payload is now of the current one.
            eventType != null ? eventType.schemaVersion() : schemaVersion);
    return new Delivery(envelope, Math.max(0, attempts), Math.max(0, round));
  }

  /**
   * Returns whether the broker dead-lettered this delivery to us from {@code queue}: its newest
   * {@code x-death} entry names that queue.
   */
  static boolean deadLetteredFrom(AMQP.BasicProperties properties, String queue) {
    Map<String, Object> headers = properties.getHeaders();
    if (headers == null || !(headers.get("x-death") instanceof List<?> deaths)) {
      return false;
    }
    return !deaths.isEmpty()
        && deaths.get(0) instanceof Map<?, ?> newest
        && newest.get("queue") != null
        && queue.equals(newest.get("queue").toString());
  }

  /** Whether {@code header} is one the broker adds when it dead-letters or redelivers. */
  static boolean isBrokers(String header) {
    return header.equals("x-death")
        || header.startsWith("x-first-death-")
        || header.startsWith("x-last-death-")
        || header.equals("x-delivery-count");
  }

  private static String reason(PayloadDecodingException.Problem problem) {
    switch (problem) {
      case EMPTY:
        return PoisonMessageException.EMPTY_BODY;
      case TOO_LARGE:
        return PoisonMessageException.TOO_LARGE;
      case MALFORMED:
        return PoisonMessageException.INVALID_JSON;
      case NEWER_VERSION:
        return PoisonMessageException.NEWER_VERSION;
      case NO_UPCASTER:
        return PoisonMessageException.NO_UPCASTER;
      default:
        return PoisonMessageException.PAYLOAD_MISMATCH;
    }
  }

  private static String required(String name, String value) throws PoisonMessageException {
    if (value == null || value.isEmpty()) {
      throw new PoisonMessageException(
          PoisonMessageException.MISSING_HEADER, "the message has no " + name, null);
    }
    if (value.length() > MAX_HEADER_CHARS) {
      throw malformed(name, "is longer than " + MAX_HEADER_CHARS + " characters");
    }
    return value;
  }

  /** A header as a bounded string, or {@code null} when absent. */
  private static String string(Map<String, Object> headers, String name)
      throws PoisonMessageException {
    Object value = headers.get(name);
    if (value == null) {
      return null;
    }
    if (value instanceof LongString longString && longString.length() > MAX_HEADER_CHARS * 4L) {
      throw malformed(name, "is longer than " + MAX_HEADER_CHARS + " characters");
    }
    String text = value.toString();
    if (text.length() > MAX_HEADER_CHARS) {
      throw malformed(name, "is longer than " + MAX_HEADER_CHARS + " characters");
    }
    return text;
  }

  private static int number(Map<String, Object> headers, String name, int absent)
      throws PoisonMessageException {
    Object value = headers.get(name);
    if (value == null) {
      return absent;
    }
    if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
      return ((Number) value).intValue();
    }
    if (value instanceof Long number
        && number >= Integer.MIN_VALUE
        && number <= Integer.MAX_VALUE) {
      return number.intValue();
    }
    String text = string(headers, name);
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw malformed(name, "is not an integer");
    }
  }

  private static PoisonMessageException malformed(String name, String problem) {
    return new PoisonMessageException(
        PoisonMessageException.MALFORMED_HEADER, "the header " + name + " " + problem, null);
  }

  /** {@code text}, cut to 100 characters for a log line or a header. */
  static String excerpt(String text) {
    return text.length() <= 100 ? text : text.substring(0, 100) + "...";
  }
}
