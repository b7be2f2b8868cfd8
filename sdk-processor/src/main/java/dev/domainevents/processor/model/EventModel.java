package dev.domainevents.processor.model;

import com.palantir.javapoet.ClassName;

/**
 * One event to generate a constant for.
 *
 * @param name the event name, e.g. {@code Goods:Shopping}
 * @param constantName the constant, e.g. {@code SHOPPING}
 * @param methodName the entity method the name refers to, e.g. {@code shopping}
 * @param payload the payload class
 * @param topic the Kafka topic: the declared override, or the default
 * @param version the payload's schema version
 */
public record EventModel(
    String name,
    String constantName,
    String methodName,
    ClassName payload,
    String topic,
    int version) {}
