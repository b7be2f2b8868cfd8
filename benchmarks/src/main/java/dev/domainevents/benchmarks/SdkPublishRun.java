package dev.domainevents.benchmarks;

import dev.domainevents.DomainEvents;
import dev.domainevents.EventInterceptors;
import dev.domainevents.spi.DomainEventInfra;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;

/**
 * The SDK side of every publish run, whichever the infra: one checkout per event over a fixed set
 * of baskets, each published as the user would, each acknowledgement counted in a callback.
 */
final class SdkPublishRun {
  private SdkPublishRun() {}

  /** Installs {@code infra}, publishes {@code events} checkouts, closes it; events per second. */
  static double publish(DomainEventInfra infra, int events, Purchase[] purchases)
      throws InterruptedException {
    return publish(infra, EventInterceptors.defaults(), events, purchases);
  }

  /** Like {@link #publish(DomainEventInfra, int, Purchase[])}, with {@code interceptors}. */
  @SuppressWarnings("FutureReturnValueIgnored") // publish outcomes are counted in the callbacks
  static double publish(
      DomainEventInfra infra, EventInterceptors interceptors, int events, Purchase[] purchases)
      throws InterruptedException {
    try (DomainEvents.Installation installation = DomainEvents.install(infra, interceptors)) {
      Basket[] baskets = new Basket[purchases.length];
      for (int i = 0; i < baskets.length; i++) {
        baskets[i] = new Basket(Integer.toString(i));
      }
      // Like the peers' callbacks: count each acknowledgement, keep the first failure.
      CountDownLatch acknowledged = new CountDownLatch(events);
      AtomicReference<Throwable> failure = new AtomicReference<>();
      BiConsumer<Void, Throwable> onAck =
          (ignored, error) -> {
            if (error != null) {
              failure.compareAndSet(null, error);
            }
            acknowledged.countDown();
          };
      long start = System.nanoTime();
      for (int i = 0; i < events; i++) {
        Basket basket = baskets[i % baskets.length];
        basket.checkout(purchases[i % purchases.length]);
        DomainEvents.publish(basket).whenComplete(onAck);
      }
      acknowledged.await();
      long elapsed = System.nanoTime() - start;
      if (failure.get() != null) {
        throw new IllegalStateException("publishing failed", failure.get());
      }
      return events * 1e9 / elapsed;
    }
  }
}
