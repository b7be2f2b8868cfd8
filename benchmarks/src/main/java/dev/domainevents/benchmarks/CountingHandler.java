package dev.domainevents.benchmarks;

import dev.domainevents.EventHandler;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/** Counts {@code Basket:Checkout} events for the consume runs; the work a raw loop also does. */
public final class CountingHandler {
  final AtomicLong total = new AtomicLong();
  final CountDownLatch done;

  CountingHandler(int events) {
    done = new CountDownLatch(events);
  }

  @EventHandler("Basket:Checkout")
  void onCheckout(Purchase purchase) {
    total.addAndGet(purchase.amount());
    done.countDown();
  }
}
