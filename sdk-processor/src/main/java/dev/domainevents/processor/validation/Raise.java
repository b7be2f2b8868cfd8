package dev.domainevents.processor.validation;

import javax.lang.model.element.TypeElement;

/**
 * One raise of an event found in an entity: a {@code domainEvent(...)} call, or a
 * {@code @RaisesEvent} declaration.
 *
 * @param name the event name
 * @param methodName the entity method the name refers to
 * @param payload the payload class, or {@code null} if the call site does not tell
 * @param payloadWritten the payload argument as written, when {@code payload} is {@code null}
 * @param declared whether this is a {@code @RaisesEvent} declaration rather than a call
 * @param topic the declared topic override, or {@code null}
 * @param version the declared schema version, 1 for calls
 * @param spot where to report problems with this raise
 */
record Raise(
    String name,
    String methodName,
    TypeElement payload,
    String payloadWritten,
    boolean declared,
    String topic,
    int version,
    Spot spot) {}
