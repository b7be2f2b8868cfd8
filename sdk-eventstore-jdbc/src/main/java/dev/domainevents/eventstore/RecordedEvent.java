package dev.domainevents.eventstore;

import dev.domainevents.EventEnvelope;
import java.util.Objects;

/**
 * An event as the store recorded it.
 *
 * @param globalPosition its place in the global log, from 1, gap-free in commit order; 0 while the
 *     event is committed but not numbered yet (only {@link JdbcEventStore#load} can return those)
 * @param streamVersion its place in its stream, from 1
 * @param envelope the event
 */
public record RecordedEvent(long globalPosition, long streamVersion, EventEnvelope envelope) {
  /** Checks the event is present and the version positive. */
  public RecordedEvent {
    Objects.requireNonNull(envelope, "envelope");
    if (streamVersion < 1) {
      throw new IllegalArgumentException("streamVersion must be >= 1, was " + streamVersion);
    }
  }
}
