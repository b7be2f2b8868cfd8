package dev.domainevents.outbox;

import java.time.Instant;
import java.util.UUID;

/**
 * An outbox event kept as failed: its attempts are used up, or it cannot be decoded. See {@link
 * OutboxFailures}.
 *
 * @param eventId the event's id
 * @param name the event name
 * @param aggregateType the aggregate type
 * @param aggregateId the aggregate id
 * @param attempts how many times it was tried
 * @param reason why the last attempt failed
 * @param failedAt when it was given up
 */
public record FailedEvent(
    UUID eventId,
    String name,
    String aggregateType,
    String aggregateId,
    int attempts,
    String reason,
    Instant failedAt) {}
