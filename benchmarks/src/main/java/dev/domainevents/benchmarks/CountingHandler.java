package dev.domainevents.benchmarks;

import dev.domainevents.EventHandler;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts {@code Basket:Checkout} events for the consume runs: the work a raw loop also does. It
 * notes when the first and the last expected event arrived, so a run's rate excludes the time the
 * consumer spends joining its group.
 */
public final class CountingHandler {
  final AtomicLong total = new AtomicLong();
  final CountDownLatch done;
  private final AtomicLong firstAt = new AtomicLong();
  private volatile long lastAt;

  CountingHandler(int events) {
    done = new CountDownLatch(events);
  }

  @EventHandler("Basket:Checkout")
  void onCheckout(Purchase purchase) {
    long now = System.nanoTime();
    firstAt.compareAndSet(0, now);
    total.addAndGet(purchase.amount());
    if (done.getCount() == 1) {
      lastAt = now;
    }
    done.countDown();
  }

  /** Events per second from the first to the last expected event. */
  double perSecond(int events) {
    return (events - 1) * 1e9 / (lastAt - firstAt.get());
  }
}
