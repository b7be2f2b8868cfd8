package dev.domainevents.outbox;

import java.sql.ResultSet;
import java.sql.SQLException;
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
    Instant failedAt) {

  /**
   * Reads the current row of a query whose columns are, in order: event id, name, aggregate type,
   * aggregate id, attempts, reason, and the failure time in epoch milliseconds.
   */
  static FailedEvent fromRow(ResultSet row) throws SQLException {
    return new FailedEvent(
        UUID.fromString(row.getString(1)),
        row.getString(2),
        row.getString(3),
        row.getString(4),
        row.getInt(5),
        row.getString(6),
        Instant.ofEpochMilli(row.getLong(7)));
  }
}
