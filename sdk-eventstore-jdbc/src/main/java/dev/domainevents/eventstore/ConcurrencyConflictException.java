package dev.domainevents.eventstore;

import java.util.Objects;

/**
 * Another writer appended to the stream first: the stream is not at the version the append
 * expected. Roll the transaction back, load the aggregate again and retry the command, e.g. with
 * {@link Retry#onConflict}.
 */
public final class ConcurrencyConflictException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final StreamId stream;
  private final long expectedVersion;
  private final long actualVersion;

  ConcurrencyConflictException(StreamId stream, long expectedVersion, long actualVersion) {
    super(
        "stream "
            + Objects.requireNonNull(stream, "stream")
            + " is at version "
            + actualVersion
            + ", not at the expected version "
            + expectedVersion
            + "; load it again and retry");
    this.stream = stream;
    this.expectedVersion = expectedVersion;
    this.actualVersion = actualVersion;
  }

  /** The stream appended to. */
  public StreamId stream() {
    return stream;
  }

  /** The version the append expected the stream to be at. */
  public long expectedVersion() {
    return expectedVersion;
  }

  /** The version the stream was at, as far as this transaction could see. */
  public long actualVersion() {
    return actualVersion;
  }
}
