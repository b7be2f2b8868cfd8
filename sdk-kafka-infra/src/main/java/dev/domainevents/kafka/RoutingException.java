package dev.domainevents.kafka;

import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;

/**
 * A retry or dead-letter copy that was not sent. {@link #permanent()} tells whether sending the
 * same copy again could ever succeed: a copy too large for its topic never will, so retrying it
 * would stop the partition for good; a broker that is down may come back.
 */
final class RoutingException extends Exception {
  private static final long serialVersionUID = 1L;

  private final boolean permanent;
  private final boolean tooLarge;

  private RoutingException(Throwable cause, boolean permanent, boolean tooLarge) {
    super(cause.toString(), cause, false, false);
    this.permanent = permanent;
    this.tooLarge = tooLarge;
  }

  /**
   * Classifies what {@code send} threw or its future failed with. Permanent: Kafka's non-retriable
   * errors about the request, such as a record too large or an invalid topic. Transient: retriable
   * errors, time-outs, a closing producer, and authentication or authorization failures, which an
   * operator fixes without the record changing: a stub would be refused the same way, and skipping
   * would lose the record.
   */
  static RoutingException of(Throwable failure) {
    Throwable cause =
        failure instanceof ExecutionException && failure.getCause() != null
            ? failure.getCause()
            : failure;
    boolean tooLarge =
        cause instanceof RecordTooLargeException || cause instanceof RecordBatchTooLargeException;
    boolean permanent =
        cause instanceof ApiException
            && !(cause instanceof RetriableException)
            && !(cause instanceof AuthenticationException)
            && !(cause instanceof AuthorizationException);
    return new RoutingException(cause, permanent, tooLarge);
  }

  /** Whether sending the same copy again cannot succeed. */
  boolean permanent() {
    return permanent;
  }

  /** Whether the copy was refused for its size. */
  boolean tooLarge() {
    return tooLarge;
  }
}
