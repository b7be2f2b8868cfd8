package dev.domainevents.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class PollingWorkerTest {
  private static final long HOUR = TimeUnit.HOURS.toMillis(1);

  private final JdbcOutbox outbox = JdbcOutbox.create();

  private PollingWorker worker(long joinMillis, PollingWorker.Poll poll) {
    return new PollingWorker(
        "test-worker", HOUR, joinMillis, outbox, poll, LoggerFactory.getLogger(getClass()));
  }

  @Test
  void aLocalCommitWakesAnIdleWorker() throws Exception {
    AtomicInteger polls = new AtomicInteger();
    CountDownLatch second = new CountDownLatch(2);
    PollingWorker worker =
        worker(
            1_000,
            () -> {
              polls.incrementAndGet();
              second.countDown();
              return HOUR;
            });
    worker.start();
    try {
      waitUntil(() -> polls.get() == 1);
      outbox.committed();
      assertTrue(second.await(10, TimeUnit.SECONDS), "woken, not an hour later");
      assertThrows(IllegalStateException.class, worker::start, "started once only");
    } finally {
      worker.close();
    }
  }

  @Test
  void closeInterruptsAPollThatOutlivesTheJoinTimeout() throws Exception {
    CountDownLatch polling = new CountDownLatch(1);
    CountDownLatch interrupted = new CountDownLatch(1);
    PollingWorker worker =
        worker(
            200,
            () -> {
              polling.countDown();
              try {
                Thread.sleep(HOUR); // a stuck JDBC call or broker wait
              } catch (InterruptedException e) {
                interrupted.countDown();
              }
              return HOUR;
            });
    worker.start();
    assertTrue(polling.await(10, TimeUnit.SECONDS));
    long start = System.nanoTime();
    worker.close();
    assertTrue(interrupted.await(10, TimeUnit.SECONDS), "the stuck poll was interrupted");
    long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertTrue(took >= 200 && took < 10_000, "waited the join timeout first: " + took + " ms");
  }

  @Test
  void aFailingPollIsRetriedAfterABackoffAndAFullBatchAtOnce() throws Exception {
    AtomicInteger polls = new AtomicInteger();
    PollingWorker worker =
        new PollingWorker(
            "test-worker",
            10,
            1_000,
            outbox,
            () -> {
              int poll = polls.incrementAndGet();
              if (poll == 1) {
                throw new IllegalStateException("database down (simulated)");
              }
              return poll < 5 ? 0 : HOUR; // three full batches, then idle
            },
            LoggerFactory.getLogger(getClass()));
    worker.start();
    try {
      waitUntil(() -> polls.get() == 5);
      Thread.sleep(100);
      assertEquals(5, polls.get(), "idle after the full batches");
    } finally {
      worker.close();
    }
  }

  private static void waitUntil(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "timed out");
      Thread.sleep(5);
    }
  }
}
