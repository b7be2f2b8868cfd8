package dev.domainevents.kafka;

import dev.domainevents.Delivery;
import dev.domainevents.EventContext;
import dev.domainevents.EventEnvelope;
import dev.domainevents.EventInterceptor.Outcome;
import dev.domainevents.EventInterceptors;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * What a consumer tells its interceptors about each record: the handlers' context, a {@link
 * Delivery} with the record's topic, partition and offset, and the outcome. With no interceptor it
 * hands out the plain context and reports nothing, so the direct path allocates nothing more.
 *
 * <p>A record that never decodes (poison) or that the service does not handle has no payload of a
 * known type. Its delivery is built from what the record says, bounded: the event id, name and ids
 * from its headers where they parse, the raw value bytes as the payload, never a decoded type.
 */
final class RecordOutcomes {
  static final String SYSTEM = "kafka";

  /** An id, name or aggregate id read from an undecodable record is kept only this long. */
  private static final int FIELD_MAX_CHARS = 200;

  private static final byte[] NO_VALUE = new byte[0];

  private final EventInterceptors interceptors;
  private final String group;

  RecordOutcomes(EventInterceptors interceptors, String group) {
    this.interceptors = interceptors;
    this.group = group;
  }

  /** Whether any interceptor listens. */
  boolean active() {
    return !interceptors.isEmpty();
  }

  /**
   * The context the handlers get for {@code record}: a {@link Delivery} when interceptors listen,
   * so they see where it came from, else the plain context.
   */
  EventContext context(EventEnvelope envelope, int attempt, ConsumerRecord<?, ?> record) {
    return interceptors.isEmpty()
        ? EventContext.of(envelope, attempt)
        : Delivery.of(
            envelope, attempt, SYSTEM, record.topic(), group, record.partition(), record.offset());
  }

  /**
   * Reports what became of a handled (or handling) record. {@code context} is what {@link #context}
   * returned; {@code null} means the record never decoded.
   */
  void report(
      EventContext context,
      ConsumerRecord<byte[], byte[]> record,
      Outcome outcome,
      Throwable cause,
      long durationNanos) {
    if (interceptors.isEmpty()) {
      return;
    }
    Delivery delivery =
        context instanceof Delivery known
            ? known
            : context != null
                ? (Delivery) context(context.envelope(), context.attempt(), record)
                : undecoded(record);
    interceptors.outcome(delivery, outcome, cause, durationNanos);
  }

  /** The delivery of a record that did not decode: what its headers say, bounded. */
  Delivery undecoded(ConsumerRecord<byte[], byte[]> record) {
    String id = first(record, EnvelopeHeaders.EVENT_ID, CloudEventsHeaders.ID);
    UUID eventId = parseUuid(id);
    if (eventId == null) {
      // No usable id: one derived from the coordinates, so every report of it names the same.
      eventId =
          UUID.nameUUIDFromBytes(
              EnvelopeCodec.bytes(
                  record.topic() + "-" + record.partition() + "@" + record.offset()));
    }
    String name = first(record, EnvelopeHeaders.EVENT_NAME, CloudEventsHeaders.TYPE);
    String aggregateType =
        first(record, EnvelopeHeaders.AGGREGATE_TYPE, CloudEventsHeaders.AGGREGATE_TYPE);
    String aggregateId = first(record, EnvelopeHeaders.AGGREGATE_ID, CloudEventsHeaders.SUBJECT);
    String correlationId =
        first(record, EnvelopeHeaders.CORRELATION_ID, CloudEventsHeaders.CORRELATION_ID);
    String causationId =
        first(record, EnvelopeHeaders.CAUSATION_ID, CloudEventsHeaders.CAUSATION_ID);
    EventEnvelope envelope =
        new EventEnvelope(
            eventId,
            name == null ? record.topic() : name,
            aggregateType == null ? "" : aggregateType,
            aggregateId,
            record.value() == null ? NO_VALUE : record.value(),
            Map.of(),
            record.timestamp() >= 0 ? Instant.ofEpochMilli(record.timestamp()) : Instant.EPOCH,
            correlationId == null ? eventId.toString() : correlationId,
            causationId,
            1);
    return Delivery.of(
        envelope, 1, SYSTEM, record.topic(), group, record.partition(), record.offset());
  }

  /** The first of the two headers that is present, bounded, or {@code null}. */
  private static String first(ConsumerRecord<byte[], byte[]> record, String name, String other) {
    String value = header(record, name);
    return value != null ? value : header(record, other);
  }

  private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
    Header header = record.headers().lastHeader(name);
    if (header == null || header.value() == null || header.value().length == 0) {
      return null;
    }
    return EnvelopeCodec.excerpt(EnvelopeCodec.string(header.value()), FIELD_MAX_CHARS);
  }

  private static UUID parseUuid(String value) {
    if (value == null || value.length() != 36) {
      return null;
    }
    try {
      return UUID.fromString(value);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
