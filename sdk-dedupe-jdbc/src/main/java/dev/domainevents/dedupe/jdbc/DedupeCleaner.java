package dev.domainevents.dedupe.jdbc;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link JdbcDedupeStore#startCleaner}: a daemon thread purging expired rows now and then. */
final class DedupeCleaner implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DedupeCleaner.class);

  private final ScheduledExecutorService executor;

  private DedupeCleaner(ScheduledExecutorService executor) {
    this.executor = executor;
  }

  @SuppressWarnings(
      "FutureReturnValueIgnored") // the task is stopped by shutting the executor down in close()
  static DedupeCleaner start(JdbcDedupeStore store, Duration interval) {
    ScheduledExecutorService executor =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, "dedupe-cleaner");
              thread.setDaemon(true);
              return thread;
            });
    long millis = interval.toMillis();
    executor.scheduleWithFixedDelay(() -> purge(store), millis, millis, TimeUnit.MILLISECONDS);
    return new DedupeCleaner(executor);
  }

  private static void purge(JdbcDedupeStore store) {
    try {
      int deleted = store.purgeExpired();
      if (deleted > 0) {
        log.info("dedupe cleaner deleted {} expired row(s)", deleted);
      }
    } catch (Exception e) {
      // The next run tries again; expired rows cost space, not correctness.
      log.warn("dedupe cleaner failed; trying again later: {}", e.toString());
    }
  }

  @Override
  public void close() {
    executor.shutdownNow();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
