package dev.domainevents;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * One raised event with everything a consumer needs to know about it. Immutable.
 *
 * <p>For a domain event, {@code name} is {@code Entity:Method} (e.g. {@code Goods:Shopping}) and
 * {@code aggregateType} is the entity's simple name. For a plain topic message (see {@link
 * EventHandler#topic()}), {@code name} is the topic and {@code aggregateType} is empty; the two
 * never collide, because topic names cannot contain {@code ':'}.
 *
 * @param eventId unique and time-ordered (UUIDv7, see {@link EventIds})
 * @param name the event name, or the topic of a plain message
 * @param aggregateType the entity's simple name, or {@code ""} for a plain message
 * @param aggregateId the entity's {@link Entity#identity() identity}; the Kafka record key
 * @param payload the event's value object
 * @param headers the user's headers, unmodifiable
 * @param occurredAt when the event was raised
 * @param correlationId the id shared by every event of one request or flow
 * @param causationId the id of the event whose handler raised this one, or {@code null}
 * @param schemaVersion the payload's schema version, 1 unless declared otherwise
 */
public record EventEnvelope(
    UUID eventId,
    String name,
    String aggregateType,
    String aggregateId,
    Object payload,
    Map<String, String> headers,
    Instant occurredAt,
    String correlationId,
    String causationId,
    int schemaVersion) {

  /** Validates the required fields and makes {@code headers} an unmodifiable copy. */
  public EventEnvelope {
    Objects.requireNonNull(eventId, "eventId");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(aggregateType, "aggregateType");
    Objects.requireNonNull(payload, "payload");
    Objects.requireNonNull(occurredAt, "occurredAt");
    Objects.requireNonNull(correlationId, "correlationId");
    headers = headers == null ? Map.of() : Map.copyOf(headers);
    if (schemaVersion < 1) {
      throw new IllegalArgumentException("schemaVersion must be >= 1, was " + schemaVersion);
    }
  }

  /** Returns the header's value, or {@code null} when absent. */
  public String header(String key) {
    return headers.get(key);
  }

  /** Returns a copy of this envelope with another schema version. */
  public EventEnvelope withSchemaVersion(int version) {
    return version == schemaVersion
        ? this
        : new EventEnvelope(
            eventId, name, aggregateType, aggregateId, payload, headers, occurredAt,
            correlationId, causationId, version);
  }
}
