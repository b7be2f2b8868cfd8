package dev.domainevents.outbox;

import java.time.Duration;
import java.util.List;

/**
 * How often, and how far apart, an event is tried before it is kept as failed.
 *
 * <p>Every strategy counts <em>attempts</em>, the first one included, so the number you configure
 * is the number of times the event is tried: {@code limit(3)} tries three times, never four (the
 * seed's {@code LimitRetry} retried once more than its limit). An event that used up its attempts
 * stays in the table as failed, with the reason, until it is requeued through {@link
 * OutboxFailures#requeue}.
 */
public interface RetryStrategy {
  /** The number of attempts in all, the first one included; at least 1. */
  int maxAttempts();

  /**
   * How long to wait after failed attempt number {@code failedAttempt} (1-based) before the next
   * one. Called only when {@code failedAttempt < maxAttempts()}.
   */
  Duration delayAfter(int failedAttempt);

  /** {@code attempts} tries in all, each as soon as the relay polls again. */
  static RetryStrategy limit(int attempts) {
    return new FixedIntervalRetry(attempts, Duration.ZERO);
  }

  /** {@code attempts} tries in all, {@code interval} apart. */
  static RetryStrategy interval(int attempts, Duration interval) {
    return new FixedIntervalRetry(attempts, interval);
  }

  /**
   * One first try, then one retry after each of {@code intervals}: {@code intervals.size() + 1}
   * tries in all. {@code custom(List.of(ofSeconds(1), ofSeconds(10)))} tries at once, after one
   * second, and ten seconds after that.
   */
  static RetryStrategy custom(List<Duration> intervals) {
    return new CustomIntervalRetry(intervals);
  }
}
