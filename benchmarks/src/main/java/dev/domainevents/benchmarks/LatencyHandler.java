package dev.domainevents.benchmarks;

import dev.domainevents.EventHandler;
import java.util.concurrent.CountDownLatch;

/**
 * Records, for each {@code Basket:Ping}, the nanoseconds from publish to handler. Pings with a
 * negative goods id are warm-ups: they only show that the consumer is ready.
 */
public final class LatencyHandler {
  final long[] latencies;
  final CountDownLatch done;
  volatile boolean warmedUp;
  private int next;

  LatencyHandler(int events) {
    latencies = new long[events];
    done = new CountDownLatch(events);
  }

  @EventHandler("Basket:Ping")
  void onPing(Purchase ping) {
    long now = System.nanoTime();
    if (ping.goodsId() < 0) {
      warmedUp = true;
      return;
    }
    long sentAt = Long.parseLong(ping.customer());
    synchronized (this) {
      if (next < latencies.length) {
        latencies[next++] = now - sentAt;
        done.countDown();
      }
    }
  }
}
