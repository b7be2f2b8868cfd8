package dev.domainevents.amqp;

import com.rabbitmq.client.AMQP;
import dev.domainevents.Delivery;
import dev.domainevents.EventContext;
import dev.domainevents.EventEnvelope;
import dev.domainevents.EventInterceptor.Outcome;
import dev.domainevents.EventInterceptors;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * What a consumer tells its interceptors about each delivery: the handlers' context, a {@link
 * Delivery} from the service's queue, and the outcome. With no interceptor it hands out the plain
 * context and reports nothing.
 *
 * <p>A message that never decodes (poison) or that the service no longer handles has no payload of
 * a known type: its delivery carries what its properties say, bounded, and the raw body.
 */
final class AmqpOutcomes {
  private static final int FIELD_MAX_CHARS = 200;
  private static final byte[] NO_BODY = new byte[0];

  private final EventInterceptors interceptors;
  private final String queue;

  AmqpOutcomes(EventInterceptors interceptors, String queue) {
    this.interceptors = interceptors;
    this.queue = queue;
  }

  /** The handlers' context: a {@link Delivery} when interceptors listen, else the plain one. */
  EventContext context(EventEnvelope envelope, int attempt) {
    return interceptors.isEmpty()
        ? EventContext.of(envelope, attempt)
        : Delivery.of(envelope, attempt, AmqpInfra.SYSTEM, queue, queue, -1, -1);
  }

  /** Reports the outcome of a decoded delivery; {@code context} is what {@link #context} gave. */
  void report(EventContext context, Outcome outcome, Throwable cause, long durationNanos) {
    if (context instanceof Delivery delivery) {
      interceptors.outcome(delivery, outcome, cause, durationNanos);
    }
  }

  /** Reports the outcome of a message that did not decode, or is not handled here. */
  void reportUndecoded(
      AMQP.BasicProperties properties, byte[] body, Outcome outcome, Throwable cause) {
    if (interceptors.isEmpty()) {
      return;
    }
    String messageId = bounded(properties.getMessageId());
    UUID eventId = parseUuid(messageId);
    if (eventId == null) {
      eventId = UUID.nameUUIDFromBytes(body == null ? NO_BODY : body);
    }
    String type = bounded(properties.getType());
    String correlationId = bounded(properties.getCorrelationId());
    EventEnvelope envelope =
        new EventEnvelope(
            eventId,
            type == null ? queue : type,
            "",
            null,
            body == null ? NO_BODY : body,
            Map.of(),
            properties.getTimestamp() == null
                ? Instant.EPOCH
                : properties.getTimestamp().toInstant(),
            correlationId == null ? eventId.toString() : correlationId,
            null,
            1);
    interceptors.outcome(
        Delivery.of(envelope, 1, AmqpInfra.SYSTEM, queue, queue, -1, -1), outcome, cause, 0);
  }

  private static String bounded(String value) {
    if (value == null || value.isEmpty()) {
      return null;
    }
    return value.length() <= FIELD_MAX_CHARS ? value : value.substring(0, FIELD_MAX_CHARS) + "...";
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
