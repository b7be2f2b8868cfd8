package dev.domainevents.outbox;

import java.time.Duration;
import java.util.Objects;

/** {@link RetryStrategy#limit} and {@link RetryStrategy#interval}: n attempts, evenly spaced. */
record FixedIntervalRetry(int maxAttempts, Duration interval) implements RetryStrategy {
  FixedIntervalRetry {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("attempts must be >= 1, was " + maxAttempts);
    }
    Objects.requireNonNull(interval, "interval");
    if (interval.isNegative()) {
      throw new IllegalArgumentException("interval must not be negative, was " + interval);
    }
  }

  @Override
  public Duration delayAfter(int failedAttempt) {
    return interval;
  }
}
