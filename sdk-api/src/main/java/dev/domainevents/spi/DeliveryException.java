package dev.domainevents.spi;

import java.time.Duration;
import java.util.Objects;

/**
 * Thrown by an {@link EventDispatcher} that delivers events onward, such as the HTTP proxy, to tell
 * the infra how to treat the failure instead of retrying it like any handler exception: either the
 * event was {@linkplain #rejected(String, String) rejected for good} and goes to the dead-letter
 * topic at once, or the receiver asked to be {@linkplain #retryLater(String, Duration) tried again
 * no sooner than} a given delay, which the infra honours within its own backoff bounds.
 */
public final class DeliveryException extends Exception {
  private static final long serialVersionUID = 1L;

  private final String reason;
  private final Duration retryAfter;

  private DeliveryException(String reason, String message, Duration retryAfter) {
    super(message);
    this.reason = reason;
    this.retryAfter = retryAfter;
  }

  /**
   * The event can never be delivered, e.g. the receiver answered 400: no retry would help.
   *
   * @param reason a short, stable token for the dead letter's reason header, e.g. {@code http-400}
   * @param message what happened, for the dead letter's exception header; keep it bounded
   */
  public static DeliveryException rejected(String reason, String message) {
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(message, "message");
    return new DeliveryException(reason, message, Duration.ZERO);
  }

  /**
   * The delivery failed for now; retry no sooner than {@code retryAfter} (zero: the usual backoff).
   */
  public static DeliveryException retryLater(String message, Duration retryAfter) {
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(retryAfter, "retryAfter");
    if (retryAfter.isNegative()) {
      throw new IllegalArgumentException("retryAfter must not be negative, was " + retryAfter);
    }
    return new DeliveryException(null, message, retryAfter);
  }

  /** Whether the event was rejected for good. */
  public boolean isRejected() {
    return reason != null;
  }

  /** The reason a rejected event is dead-lettered with, or {@code null} if it may be retried. */
  public String reason() {
    return reason;
  }

  /** The least wait before the next attempt the receiver asked for; zero if it asked none. */
  public Duration retryAfter() {
    return retryAfter;
  }
}
