package dev.domainevents.kafka;

import java.util.Collection;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One consumer slot of a {@link KafkaInfra}. It starts a {@link KafkaEventConsumer} and, when a
 * fatal error (an exception escaping the poll loop) kills its thread, starts a fresh one after an
 * exponential backoff, if {@code domainevents.consumer.restart} allows: a consumer never silently
 * disappears. The fresh consumer joins the group again and resumes from the committed offsets, so
 * the record in hand when the thread died is delivered again, not lost. The {@link ConsumerStatus}
 * outlives each consumer and reports the slot to {@link KafkaInfra#health()}.
 */
final class SupervisedConsumer {
  private static final Logger log = LoggerFactory.getLogger(SupervisedConsumer.class);

  private final Function<ConsumerStatus, KafkaEventConsumer> factory;
  private final ConsumerStatus status;
  private final KafkaSettings settings;
  private final ScheduledExecutorService restarts;
  private final String name;
  private volatile KafkaEventConsumer current;
  private volatile boolean closed;

  // Guarded by this.
  private int consecutiveFailures;
  private long startedNanos;
  private long skippedBefore;
  private ScheduledFuture<?> scheduled;

  /**
   * @param factory makes a consumer, with a new Kafka consumer, reporting to the given status
   * @param restarts runs the delayed restarts
   */
  SupervisedConsumer(
      String name,
      String group,
      Collection<String> topics,
      KafkaSettings settings,
      ScheduledExecutorService restarts,
      Function<ConsumerStatus, KafkaEventConsumer> factory) {
    this.name = name;
    this.settings = settings;
    this.restarts = restarts;
    this.factory = factory;
    this.status = new ConsumerStatus(name, group, topics, settings.closeTimeout, this::stopped);
  }

  synchronized void start() {
    current = factory.apply(status);
    startedNanos = System.nanoTime();
    current.start();
  }

  ConsumerStatus status() {
    return status;
  }

  /** The consumer running now, or the one that stopped last. */
  KafkaEventConsumer current() {
    return current;
  }

  /** Records skipped as not handled here, by this slot's consumers so far. */
  synchronized long skipped() {
    return skippedBefore + current.skipped();
  }

  /** Called on the consumer's thread as it ends. */
  private void stopped(Throwable cause) {
    if (cause == null || closed) {
      return;
    }
    synchronized (this) {
      if (closed) {
        return;
      }
      if (!settings.consumerRestart) {
        log.error(
            "consumer {} stopped on a fatal error and is not restarted ({}=false); the infra's"
                + " health reports it DOWN: {}",
            name,
            KafkaSettings.CONSUMER_RESTART,
            cause.toString());
        return;
      }
      // A consumer that ran longer than the longest backoff before failing starts over from the
      // first backoff: the failures are not one storm.
      long ranMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
      if (ranMs > settings.consumerRestartBackoffMaxMs) {
        consecutiveFailures = 0;
      }
      consecutiveFailures++;
      long delay =
          Math.min(
              settings.consumerRestartBackoffMs << Math.min(consecutiveFailures - 1, 20),
              settings.consumerRestartBackoffMaxMs);
      log.error(
          "consumer {} stopped on a fatal error; restarting it in {} ms (restart {}): {}",
          name,
          delay,
          status.restarts() + 1,
          cause.toString());
      scheduled = restarts.schedule(this::restart, delay, TimeUnit.MILLISECONDS);
    }
  }

  private synchronized void restart() {
    if (closed) {
      return;
    }
    skippedBefore += current.skipped();
    status.restarted();
    try {
      current = factory.apply(status);
    } catch (RuntimeException e) {
      // E.g. the Kafka consumer could not be made: the next attempt waits longer.
      status.stopped(e);
      return;
    }
    startedNanos = System.nanoTime();
    current.start();
  }

  /** Stops the consumer and any restart to come; see {@link KafkaEventConsumer#close()}. */
  void close() {
    synchronized (this) {
      closed = true;
      if (scheduled != null) {
        scheduled.cancel(false);
      }
    }
    try {
      current.close();
    } finally {
      status.close();
    }
  }

  /** Crash simulation for tests; see {@link KafkaEventConsumer#abort()}. */
  void abort() {
    synchronized (this) {
      closed = true;
      if (scheduled != null) {
        scheduled.cancel(false);
      }
    }
    current.abort();
    status.close();
  }
}
