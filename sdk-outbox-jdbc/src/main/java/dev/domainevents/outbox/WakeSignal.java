package dev.domainevents.outbox;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Lets a polling thread sleep until its next poll, unless a local commit (or close) wakes it
 * first. Shared by {@link OutboxRelay} and {@link DatabaseEventBus}.
 */
final class WakeSignal {
  private boolean woken;

  /** Ends the current or next wait at once. */
  synchronized void wake() {
    woken = true;
    notifyAll();
  }

  /**
   * Waits until woken, until {@code millis} pass, or until {@code running} answers false, and
   * consumes the wake-up. An interrupt ends the wait and stays set on the thread.
   */
  synchronized void await(long millis, BooleanSupplier running) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    while (!woken && running.getAsBoolean()) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        break;
      }
      try {
        TimeUnit.NANOSECONDS.timedWait(this, left);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    woken = false;
  }
}
