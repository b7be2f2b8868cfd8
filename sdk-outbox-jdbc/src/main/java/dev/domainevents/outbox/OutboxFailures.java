package dev.domainevents.outbox;

import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The outbox events kept as failed, and the way back: {@link #requeue} makes one pending again with
 * a fresh set of attempts. A requeued event keeps its place in the table, so it is shipped after
 * the later events of its aggregate that were sent meanwhile.
 */
public final class OutboxFailures {
  private final FailedEvents failed;

  private OutboxFailures(FailedEvents failed) {
    this.failed = failed;
  }

  /** Returns the failures of the outbox reached through {@code dataSource}. */
  public static OutboxFailures create(DataSource dataSource) {
    return new OutboxFailures(FailedEvents.ofOutbox(dataSource, Clock.systemUTC()));
  }

  /** Lists up to {@code limit} failed events, oldest first. */
  public List<FailedEvent> list(int limit) throws SQLException {
    return failed.list(limit);
  }

  /**
   * Makes the failed event {@code eventId} pending again, with its attempts reset.
   *
   * @return whether a failed event with that id existed
   */
  public boolean requeue(UUID eventId) throws SQLException {
    return failed.requeue(eventId);
  }

  /** Makes every failed event pending again; returns how many. */
  public int requeueAll() throws SQLException {
    return failed.requeueAll();
  }

  /**
   * Deletes the failed event {@code eventId} from the outbox for good: it is never shipped.
   *
   * @return whether a failed event with that id existed
   */
  public boolean delete(UUID eventId) throws SQLException {
    return failed.delete(eventId);
  }
}
