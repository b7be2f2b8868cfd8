package dev.domainevents.outbox;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The outbox events kept as failed, and the way back: {@link #requeue} makes one pending again with
 * a fresh set of attempts. A requeued event keeps its place in the table, so it is shipped after
 * the later events of its aggregate that were sent meanwhile.
 */
public final class OutboxFailures {
  private final DataSource dataSource;
  private final Clock clock;

  private OutboxFailures(DataSource dataSource, Clock clock) {
    this.dataSource = dataSource;
    this.clock = clock;
  }

  /** Returns the failures of the outbox reached through {@code dataSource}. */
  public static OutboxFailures create(DataSource dataSource) {
    return new OutboxFailures(Objects.requireNonNull(dataSource, "dataSource"), Clock.systemUTC());
  }

  /** Lists up to {@code limit} failed events, oldest first. */
  public List<FailedEvent> list(int limit) throws SQLException {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be >= 1, was " + limit);
    }
    List<FailedEvent> failed = new ArrayList<>();
    try (Connection connection = dataSource.getConnection();
        PreparedStatement select =
            connection.prepareStatement(
                "SELECT event_id, event_name, aggregate_type, aggregate_id, attempts, last_error,"
                    + " next_attempt_ms FROM "
                    + OutboxRows.OUTBOX
                    + " WHERE status = "
                    + OutboxRows.FAILED
                    + " ORDER BY id LIMIT ?")) {
      select.setInt(1, limit);
      try (ResultSet row = select.executeQuery()) {
        while (row.next()) {
          failed.add(FailedEvent.fromRow(row));
        }
      }
    }
    return failed;
  }

  /**
   * Makes the failed event {@code eventId} pending again, with its attempts reset.
   *
   * @return whether a failed event with that id existed
   */
  public boolean requeue(UUID eventId) throws SQLException {
    Objects.requireNonNull(eventId, "eventId");
    try (Connection connection = dataSource.getConnection();
        PreparedStatement update =
            connection.prepareStatement(
                "UPDATE "
                    + OutboxRows.OUTBOX
                    + " SET status = "
                    + OutboxRows.PENDING
                    + ", attempts = 0, next_attempt_ms = ? WHERE event_id = ? AND status = "
                    + OutboxRows.FAILED)) {
      update.setLong(1, clock.millis());
      update.setString(2, eventId.toString());
      boolean requeued = update.executeUpdate() == 1;
      if (!connection.getAutoCommit()) {
        connection.commit();
      }
      return requeued;
    }
  }

  /** Makes every failed event pending again; returns how many. */
  public int requeueAll() throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement update =
            connection.prepareStatement(
                "UPDATE "
                    + OutboxRows.OUTBOX
                    + " SET status = "
                    + OutboxRows.PENDING
                    + ", attempts = 0, next_attempt_ms = ? WHERE status = "
                    + OutboxRows.FAILED)) {
      update.setLong(1, clock.millis());
      int requeued = update.executeUpdate();
      if (!connection.getAutoCommit()) {
        connection.commit();
      }
      return requeued;
    }
  }
}
