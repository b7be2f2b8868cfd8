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
 * <p>The SDK makes envelopes in one place, {@link dev.domainevents.spi.Envelopes}. An envelope is
 * also the {@link EventContext} of its own first delivery, so that infrastructure dispatches a
 * first delivery without making a context object for it.
 *
 * @param eventId unique and time-ordered (a UUIDv7 when made by the SDK)
 * @param name the event name, or the topic of a plain message
 * @param aggregateType the entity's simple name, or {@code ""} for a plain message
 * @param aggregateId the entity's {@link Entity#identity() identity}; the Kafka record key
 * @param payload the event's value object
 * @param headers the user's headers, unmodifiable
 * @param occurredAt when the event was raised
 * @param correlationId the id shared by every event of one request or flow
 * @param causationId the id of the event whose handler raised this one, or {@code null}
 * @param schemaVersion the payload's schema version, 1 unless declared otherwise
 * @param type the registered type of the event when it is known without a lookup, else {@code
 *     null}: set when the event was raised through a generated constant (or versioned from a
 *     catalog), so infrastructure resolves the topic without looking the name up again. It is a
 *     cache, not part of the event: {@link #equals}, {@link #hashCode} and {@link #toString} ignore
 *     it, and it never travels on the wire.
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
    int schemaVersion,
    EventType<?> type)
    implements EventContext {

  /**
   * Validates the required fields and makes {@code headers} an unmodifiable copy.
   *
   * @throws IllegalArgumentException if {@code type} is not {@code null} and names another event or
   *     another schema version
   */
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
    if (type != null
        && (type.schemaVersion() != schemaVersion
            || (type.name() != name && !type.name().equals(name)))) {
      throw new IllegalArgumentException(
          "the envelope of "
              + name
              + " v"
              + schemaVersion
              + " cannot carry the type "
              + type.name()
              + " v"
              + type.schemaVersion());
    }
  }

  /** Creates an envelope whose type is not known; see {@link #type()}. */
  public EventEnvelope(
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
    this(
        eventId,
        name,
        aggregateType,
        aggregateId,
        payload,
        headers,
        occurredAt,
        correlationId,
        causationId,
        schemaVersion,
        null);
  }

  /** Returns the header's value, or {@code null} when absent. */
  @Override
  public String header(String key) {
    return headers.get(key);
  }

  /** Returns this envelope: as a context, an envelope stands for its first delivery. */
  @Override
  public EventEnvelope envelope() {
    return this;
  }

  /**
   * Returns a copy of this envelope with another schema version. The copy keeps {@link #type()}
   * only if that type has the new version.
   */
  public EventEnvelope withSchemaVersion(int version) {
    return version == schemaVersion
        ? this
        : copy(headers, version, type != null && type.schemaVersion() == version ? type : null);
  }

  /**
   * Returns a copy of this envelope with other headers, e.g. with a trace context added by an
   * {@link EventInterceptor} on the way out. The copy keeps every other component, {@link #type()}
   * too.
   */
  public EventEnvelope withHeaders(Map<String, String> headers) {
    return copy(headers, schemaVersion, type);
  }

  /** Returns a copy of this envelope that carries {@code type} and its schema version. */
  EventEnvelope withType(EventType<?> type) {
    return copy(headers, type.schemaVersion(), type);
  }

  /** Returns a copy of this envelope with these headers, schema version and type. */
  private EventEnvelope copy(Map<String, String> headers, int version, EventType<?> type) {
    return new EventEnvelope(
        eventId,
        name,
        aggregateType,
        aggregateId,
        payload,
        headers,
        occurredAt,
        correlationId,
        causationId,
        version,
        type);
  }

  /** Compares every component but {@link #type()}, which is a cache. */
  @Override
  public boolean equals(Object other) {
    return other instanceof EventEnvelope that
        && schemaVersion == that.schemaVersion
        && eventId.equals(that.eventId)
        && name.equals(that.name)
        && aggregateType.equals(that.aggregateType)
        && Objects.equals(aggregateId, that.aggregateId)
        && payload.equals(that.payload)
        && headers.equals(that.headers)
        && occurredAt.equals(that.occurredAt)
        && correlationId.equals(that.correlationId)
        && Objects.equals(causationId, that.causationId);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        eventId,
        name,
        aggregateType,
        aggregateId,
        payload,
        headers,
        occurredAt,
        correlationId,
        causationId,
        schemaVersion);
  }

  @Override
  public String toString() {
    return "EventEnvelope[eventId="
        + eventId
        + ", name="
        + name
        + ", aggregateType="
        + aggregateType
        + ", aggregateId="
        + aggregateId
        + ", payload="
        + payload
        + ", headers="
        + headers
        + ", occurredAt="
        + occurredAt
        + ", correlationId="
        + correlationId
        + ", causationId="
        + causationId
        + ", schemaVersion="
        + schemaVersion
        + "]";
  }
}
