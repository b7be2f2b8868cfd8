package dev.domainevents;

import dev.domainevents.spi.EventNames;
import dev.domainevents.spi.Topics;
import java.util.Objects;

/**
 * A registered event: its name, payload type, aggregate type, Kafka topic and schema version.
 *
 * <p>The annotation processor generates one constant per event, e.g. {@code GoodsEvents.SHOPPING}
 * of type {@code EventType<GoodsObj>}, and lists them all in the generated {@link
 * dev.domainevents.spi.EventRegistry}. That registry is the closed allowlist that infrastructure
 * uses to choose a payload class when it decodes an event: nothing on the wire names a class.
 *
 * @param <T> the payload type
 * @param name the event name, {@code Entity:Action}; a legal name ({@link EventNames})
 * @param payloadType the payload's class
 * @param aggregateType the entity's simple name, the part of {@code name} before {@code ':'}
 * @param topic the Kafka topic the event is published to; a legal topic name
 * @param schemaVersion the payload's schema version, at least 1
 */
public record EventType<T>(
    String name, Class<T> payloadType, String aggregateType, String topic, int schemaVersion) {

  /** Validates every component. */
  public EventType {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(payloadType, "payloadType");
    Objects.requireNonNull(aggregateType, "aggregateType");
    Objects.requireNonNull(topic, "topic");
    EventNames.requireLegal(name);
    if (name.indexOf(EventNames.SEPARATOR) != aggregateType.length()
        || !name.startsWith(aggregateType)) {
      throw new IllegalArgumentException(
          "event name \"" + name + "\" must have the form " + aggregateType + ":Action");
    }
    String problem = Topics.problemWith(topic);
    if (problem != null) {
      throw new IllegalArgumentException("illegal topic for " + name + ": " + problem);
    }
    if (schemaVersion < 1) {
      throw new IllegalArgumentException("schemaVersion must be >= 1, was " + schemaVersion);
    }
  }

  /**
   * Returns the event type {@code name} carrying {@code payloadType}, published to {@code topic}
   * with the given schema version. The aggregate type is the part of the name before {@code ':'}.
   */
  public static <T> EventType<T> of(
      String name, Class<T> payloadType, String topic, int schemaVersion) {
    Objects.requireNonNull(name, "name");
    return new EventType<>(name, payloadType, EventNames.aggregateType(name), topic, schemaVersion);
  }

  /** Returns the event type with the default topic ({@link Topics#defaultTopic}) and version 1. */
  public static <T> EventType<T> of(String name, Class<T> payloadType) {
    return of(name, payloadType, Topics.defaultTopic(name), 1);
  }
}
