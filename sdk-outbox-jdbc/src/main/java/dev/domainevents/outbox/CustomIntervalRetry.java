package dev.domainevents.outbox;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/** {@link RetryStrategy#custom}: a first attempt, then one retry after each listed interval. */
record CustomIntervalRetry(List<Duration> intervals) implements RetryStrategy {
  CustomIntervalRetry {
    Objects.requireNonNull(intervals, "intervals");
    intervals = List.copyOf(intervals);
    for (Duration interval : intervals) {
      if (interval.isNegative()) {
        throw new IllegalArgumentException("intervals must not be negative, was " + interval);
      }
    }
  }

  @Override
  public int maxAttempts() {
    return intervals.size() + 1;
  }

  @Override
  public Duration delayAfter(int failedAttempt) {
    if (failedAttempt < 1 || failedAttempt > intervals.size()) {
      throw new IllegalArgumentException(
          "no retry after attempt " + failedAttempt + " of " + maxAttempts());
    }
    return intervals.get(failedAttempt - 1);
  }
}
