package dev.domainevents.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RetryStrategyTest {
  @Test
  void limitCountsTheFirstAttempt() {
    RetryStrategy limit = RetryStrategy.limit(3);
    assertEquals(3, limit.maxAttempts());
    assertEquals(Duration.ZERO, limit.delayAfter(1));
  }

  @Test
  void intervalSpacesEveryRetryEvenly() {
    RetryStrategy interval = RetryStrategy.interval(4, Duration.ofSeconds(5));
    assertEquals(4, interval.maxAttempts());
    assertEquals(Duration.ofSeconds(5), interval.delayAfter(3));
  }

  @Test
  void customMakesOneAttemptPlusOnePerInterval() {
    List<Duration> intervals =
        new ArrayList<>(List.of(Duration.ofSeconds(1), Duration.ofMinutes(1)));
    RetryStrategy custom = RetryStrategy.custom(intervals);
    intervals.clear(); // the strategy keeps its own copy
    assertEquals(3, custom.maxAttempts());
    assertEquals(Duration.ofSeconds(1), custom.delayAfter(1));
    assertEquals(Duration.ofMinutes(1), custom.delayAfter(2));
    assertThrows(IllegalArgumentException.class, () -> custom.delayAfter(3));
    assertEquals(1, RetryStrategy.custom(List.of()).maxAttempts());
  }

  @Test
  void badConfigurationFailsFastNamingTheArgument() {
    assertEquals(
        "attempts must be >= 1, was 0",
        assertThrows(IllegalArgumentException.class, () -> RetryStrategy.limit(0)).getMessage());
    assertThrows(
        IllegalArgumentException.class, () -> RetryStrategy.interval(2, Duration.ofSeconds(-1)));
    assertEquals(
        "interval",
        assertThrows(NullPointerException.class, () -> RetryStrategy.interval(2, null))
            .getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> RetryStrategy.custom(List.of(Duration.ofSeconds(-1))));
  }
}
