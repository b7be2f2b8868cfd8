package dev.domainevents.processor.validation;

import javax.lang.model.element.TypeElement;

/**
 * One event an entity raises, as validation found it.
 *
 * @param name the event name, {@code Entity:Method}
 * @param methodName the entity method the name refers to, e.g. {@code shopping}
 * @param payload the payload class
 * @param topic the declared topic override, or {@code null} for the entity's topic; once decided by
 *     {@link AggregateTopics}, the event's topic
 * @param version the payload's schema version
 */
public record RaisedEvent(
    String name, String methodName, TypeElement payload, String topic, int version) {}
