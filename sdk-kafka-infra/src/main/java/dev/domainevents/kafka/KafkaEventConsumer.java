package dev.domainevents.kafka;

import dev.domainevents.EventContext;
import dev.domainevents.EventEnvelope;
import dev.domainevents.spi.DedupeStore;
import dev.domainevents.spi.DispatchTable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One consumer of the service's group, on its own thread. It handles the records of each assigned
 * partition one after another, so per-partition (and so per-aggregate) order holds, and commits a
 * partition's offset only past records that were handled, dead-lettered or handed to the retry
 * topic: at-least-once, with no skips.
 *
 * <p>Failure policy for a record whose handler throws:
 *
 * <ol>
 *   <li>in-place retries with exponential backoff. While it waits, the consumer keeps polling with
 *       every partition paused, so it stays in the group however long the backoff is;
 *   <li>unless ordered, up to {@code rounds} trips through {@code retry-<topic>}. A retry record
 *       that is not due yet pauses only its own partition until it is;
 *   <li>then {@code fail-<topic>}, the dead-letter topic.
 * </ol>
 *
 * <p>Poison records (undecodable) go straight to the dead-letter topic. If a record cannot be
 * routed (the broker is unreachable), it is not committed: the consumer seeks back and tries again.
 *
 * <p>Not thread-safe except {@link #close()} and {@link #abort()}: the Kafka consumer belongs to
 * this consumer's thread.
 */
final class KafkaEventConsumer implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(KafkaEventConsumer.class);
  private static final Duration POLL_TIMEOUT = Duration.ofMillis(200);
  private static final long WAIT_POLL_MS = 100;
  private static final long FAILURE_BACKOFF_MS = 1_000;
  /**
   * Handled offsets are committed at most this often while consuming, and always on revocation
   * and close. A commit after every poll cost a tenth of the consumer's CPU when polls return few
   * records; a crash redelivers at most this much more, which the dedupe store absorbs.
   */
  private static final long COMMIT_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  private enum Outcome {
    /** Handled, skipped, dead-lettered or sent to the retry topic: commit past it. */
    DONE,
    /** A retry record that is not due: pause its partition until {@link #deferUntil}. */
    DEFER,
    /** Not finished and not committable: seek back to it and try again later. */
    ABANDON
  }

  private final Consumer<byte[], byte[]> consumer;
  private final Collection<String> topics;
  private final EnvelopeCodec codec;
  private final DispatchTable table;
  private final DedupeStore dedupe;
  private final DedupeStore.Handling dispatch = this::dispatchMarkingFailures;
  private final RetryTopicRouter retryRouter;
  private final DeadLetterRouter deadLetters;
  private final String group;
  private final KafkaSettings settings;
  private final String clientId;
  private final String bootstrapServers;

  private final Map<TopicPartition, OffsetAndMetadata> done = new HashMap<>();
  private final Set<TopicPartition> uncommitted = new HashSet<>();
  private final Map<TopicPartition, Long> delayedUntil = new HashMap<>();
  private final Set<TopicPartition> invalidated = new HashSet<>();
  private Set<TopicPartition> pausedForWait;
  private long deferUntil;
  private long lastCommitNanos;

  private volatile boolean running = true;
  private volatile boolean aborted;
  private volatile boolean closing;
  private volatile Set<TopicPartition> assignment = Set.of();
  private volatile Throwable failure;
  private Thread thread;

  KafkaEventConsumer(
      Consumer<byte[], byte[]> consumer,
      Collection<String> topics,
      EnvelopeCodec codec,
      DispatchTable table,
      DedupeStore dedupe,
      RetryTopicRouter retryRouter,
      DeadLetterRouter deadLetters,
      String group,
      KafkaSettings settings,
      String clientId,
      String bootstrapServers) {
    this.consumer = consumer;
    this.topics = List.copyOf(topics);
    this.codec = codec;
    this.table = table;
    this.dedupe = dedupe;
    this.retryRouter = retryRouter;
    this.deadLetters = deadLetters;
    this.group = group;
    this.settings = settings;
    this.clientId = clientId;
    this.bootstrapServers = bootstrapServers;
  }

  void start() {
    thread = new Thread(this, clientId);
    thread.setDaemon(false);
    thread.start();
  }

  /** The partitions assigned right now. */
  Set<TopicPartition> assignment() {
    return assignment;
  }

  /** What stopped the consumer thread, or {@code null}. */
  Throwable failure() {
    return failure;
  }

  /**
   * Stops consuming: finishes the record in hand, commits what was handled, leaves the group and
   * waits for the thread, at most the close timeout. Unhandled records stay uncommitted for the
   * next owner of their partition.
   */
  void close() {
    boolean first = !closing;
    closing = true;
    running = false;
    if (first && thread != null && thread.isAlive()) {
      consumer.wakeup();
    }
    join();
  }

  /** Stops like a crash would: nothing more is committed. For tests of redelivery. */
  void abort() {
    aborted = true;
    close();
  }

  private void join() {
    if (thread == null || thread == Thread.currentThread()) {
      return;
    }
    try {
      thread.join(settings.closeTimeout.toMillis() * 2 + 1_000);
      if (thread.isAlive()) {
        log.warn("consumer {} did not stop in time; a handler may be stuck", clientId);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void run() {
    try {
      consumer.subscribe(topics, new Rebalance());
      while (running) {
        resumeDuePartitions();
        ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL_TIMEOUT);
        // Revocations inside that poll are behind us: what it returned is for partitions we own
        // now, at their current positions. Only revocations from here on void a batch.
        invalidated.clear();
        if (!records.isEmpty()) {
          handle(records);
        }
        commitAsync();
      }
    } catch (WakeupException e) {
      if (running) {
        failure = e;
        log.error("consumer {} was woken up unexpectedly and stops", clientId, e);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException | Error e) {
      failure = e;
      log.error(
          "consumer {} of group {} stops: {}. Records not yet handled stay uncommitted and go to"
              + " the next owner of their partition",
          clientId,
          group,
          e.toString(),
          e);
    } finally {
      running = false;
      try {
        if (!aborted) {
          commitSync(done);
        }
      } finally {
        consumer.close(CloseOptions.timeout(settings.closeTimeout));
        assignment = Set.of();
      }
    }
  }

  private void handle(ConsumerRecords<byte[], byte[]> records) throws InterruptedException {
    for (TopicPartition partition : records.partitions()) {
      for (ConsumerRecord<byte[], byte[]> record : records.records(partition)) {
        if (!running || invalidated.contains(partition)) {
          break;
        }
        Outcome outcome;
        try {
          outcome = process(record, partition);
        } catch (WakeupException e) {
          throw e;
        } catch (RuntimeException e) {
          // Not the handler (its failures are caught in process) but e.g. the dedupe store:
          // keep the record uncommitted and try it again, rather than stop consuming.
          log.error(
              "processing record {}-{}@{} failed outside the handler; retrying it: {}",
              record.topic(),
              record.partition(),
              record.offset(),
              e.toString(),
              e);
          waitPolling(partition, FAILURE_BACKOFF_MS);
          outcome = Outcome.ABANDON;
        }
        if (outcome == Outcome.DONE) {
          done.put(partition, new OffsetAndMetadata(record.offset() + 1));
          uncommitted.add(partition);
          continue;
        }
        if (!invalidated.contains(partition) && consumer.assignment().contains(partition)) {
          consumer.seek(partition, record.offset());
          if (outcome == Outcome.DEFER) {
            consumer.pause(List.of(partition));
            delayedUntil.put(partition, deferUntil);
          }
        }
        break;
      }
    }
  }

  private Outcome process(ConsumerRecord<byte[], byte[]> record, TopicPartition partition)
      throws InterruptedException {
    EnvelopeCodec.Delivery delivery;
    try {
      delivery = codec.decode(record);
    } catch (PoisonRecordException | IllegalArgumentException | NullPointerException e) {
      // Decoding is deterministic: what fails once fails forever, so it must not block.
      PoisonRecordException poison =
          e instanceof PoisonRecordException known
              ? known
              : new PoisonRecordException(PoisonRecordException.UNDECODABLE, e.toString(), e);
      log.warn(
          "poison record {}-{}@{} ({}): {}; sending it to the dead-letter topic",
          record.topic(),
          record.partition(),
          record.offset(),
          poison.reason(),
          poison.getMessage());
      return deadLetter(record, partition, poison.reason(), poison, 0);
    }
    if (delivery == null) {
      return Outcome.DONE; // an event on a subscribed topic that this service does not handle
    }
    if (delivery.group() != null && !delivery.group().equals(group)) {
      return Outcome.DONE; // another group's retry copy
    }
    if (delivery.retryAt() > System.currentTimeMillis()) {
      deferUntil = delivery.retryAt();
      return Outcome.DEFER;
    }
    EventEnvelope envelope = delivery.envelope();

    Throwable lastError = null;
    int attempts = settings.retryAttempts;
    for (int i = 1; i <= attempts; i++) {
      int attempt = delivery.attempts() + i;
      long start = System.nanoTime();
      try {
        if (!handleOnce(EventContext.of(envelope, attempt))) {
          if (settings.debug) {
            log.info("consume duplicate skipped: event={} id={}", envelope.name(), envelope.eventId());
          }
          return Outcome.DONE;
        }
        if (settings.debug) {
          logConsumed(record, envelope, attempt, start);
        }
        return Outcome.DONE;
      } catch (HandlerFailure failure) {
        Throwable e = failure.getCause();
        lastError = e;
        log.warn(
            "handler of {} {} failed on attempt {}: {}",
            envelope.name(),
            envelope.eventId(),
            attempt,
            e.toString());
      }
      if (i < attempts && !waitPolling(partition, backoff(i))) {
        return Outcome.ABANDON;
      }
    }
    int total = delivery.attempts() + attempts;
    if (retryRouter != null && delivery.retryRound() < settings.retryTopicRounds) {
      try {
        String topic = retryRouter.route(record, lastError, total, delivery.retryRound() + 1);
        log.warn(
            "{} {} failed {} time(s); retrying later through {}",
            envelope.name(),
            envelope.eventId(),
            total,
            topic);
        return Outcome.DONE;
      } catch (ExecutionException | TimeoutException e) {
        return routingFailed(record, partition, e);
      }
    }
    return deadLetter(record, partition, DeadLetterRouter.HANDLER_FAILED, lastError, total);
  }

  /**
   * The dedupe store runs the handlers, so that a store may hold its transaction around them. A
   * handler's failure comes back as {@link HandlerFailure}; anything else the store throws is the
   * store's own failure, which keeps the record uncommitted like any failure outside the handler.
   */
  private boolean handleOnce(EventContext context) throws HandlerFailure {
    try {
      return dedupe.handleOnce(group, context, dispatch);
    } catch (HandlerFailure | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException("dedupe store failed: " + e, e);
    }
  }

  private void dispatchMarkingFailures(EventContext context) throws HandlerFailure {
    try {
      table.dispatch(context);
    } catch (Exception | AssertionError | LinkageError e) {
      throw new HandlerFailure(e);
    }
  }

  /** Carries a handler's failure through the dedupe store, told apart from the store's own. */
  private static final class HandlerFailure extends Exception {
    HandlerFailure(Throwable cause) {
      super(cause.toString(), cause, false, false);
    }
  }

  private Outcome deadLetter(
      ConsumerRecord<byte[], byte[]> record,
      TopicPartition partition,
      String reason,
      Throwable error,
      int attempts)
      throws InterruptedException {
    try {
      String topic = deadLetters.route(record, reason, error, attempts);
      log.error(
          "record {}-{}@{} moved to dead-letter topic {} ({}, {} attempt(s)): {}",
          record.topic(),
          record.partition(),
          record.offset(),
          topic,
          reason,
          attempts,
          String.valueOf(error));
      return Outcome.DONE;
    } catch (ExecutionException | TimeoutException e) {
      return routingFailed(record, partition, e);
    }
  }

  private Outcome routingFailed(
      ConsumerRecord<byte[], byte[]> record, TopicPartition partition, Exception e)
      throws InterruptedException {
    log.error(
        "could not route record {}-{}@{}; it stays uncommitted and is tried again: {}",
        record.topic(),
        record.partition(),
        record.offset(),
        e.toString());
    waitPolling(partition, FAILURE_BACKOFF_MS);
    return Outcome.ABANDON;
  }

  private long backoff(int failedAttempts) {
    long delay = settings.retryBackoffMs << Math.min(failedAttempts - 1, 20);
    return Math.min(delay, settings.retryBackoffMaxMs);
  }

  /**
   * Waits {@code millis} while polling with every partition paused, so the group does not evict
   * this consumer. Returns {@code false} if {@code partition} was revoked meanwhile or the
   * consumer is stopping: the record in hand must then be abandoned.
   */
  private boolean waitPolling(TopicPartition partition, long millis) {
    Set<TopicPartition> toPause = new HashSet<>(consumer.assignment());
    toPause.removeAll(consumer.paused());
    consumer.pause(toPause);
    pausedForWait = toPause;
    try {
      long deadline = System.currentTimeMillis() + millis;
      while (running && !invalidated.contains(partition)) {
        long remaining = deadline - System.currentTimeMillis();
        if (remaining <= 0) {
          break;
        }
        ConsumerRecords<byte[], byte[]> stray =
            consumer.poll(Duration.ofMillis(Math.min(remaining, WAIT_POLL_MS)));
        // Paused partitions return nothing; anything else is read again later, not skipped.
        for (TopicPartition p : stray.partitions()) {
          consumer.seek(p, stray.records(p).get(0).offset());
        }
      }
    } finally {
      Set<TopicPartition> resume = new HashSet<>(pausedForWait);
      resume.retainAll(consumer.assignment());
      consumer.resume(resume);
      pausedForWait = null;
    }
    return running && !invalidated.contains(partition);
  }

  private void resumeDuePartitions() {
    if (delayedUntil.isEmpty()) {
      return;
    }
    long now = System.currentTimeMillis();
    List<TopicPartition> due = null;
    for (Iterator<Map.Entry<TopicPartition, Long>> it = delayedUntil.entrySet().iterator();
        it.hasNext(); ) {
      Map.Entry<TopicPartition, Long> entry = it.next();
      if (entry.getValue() <= now) {
        if (due == null) {
          due = new ArrayList<>();
        }
        due.add(entry.getKey());
        it.remove();
      }
    }
    if (due != null) {
      due.retainAll(consumer.assignment());
      consumer.resume(due);
    }
  }

  private void commitAsync() {
    if (uncommitted.isEmpty() || aborted) {
      return;
    }
    long now = System.nanoTime();
    if (now - lastCommitNanos < COMMIT_INTERVAL_NANOS) {
      return;
    }
    lastCommitNanos = now;
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (TopicPartition partition : uncommitted) {
      offsets.put(partition, done.get(partition));
    }
    uncommitted.clear();
    consumer.commitAsync(
        offsets,
        (committed, error) -> {
          if (error != null) {
            // A later commit, or the one on revocation or close, covers these offsets.
            log.warn("async offset commit failed for {}: {}", committed.keySet(), error.toString());
          }
        });
  }

  private void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
    if (offsets.isEmpty() || aborted) {
      return;
    }
    try {
      try {
        consumer.commitSync(new HashMap<>(offsets), settings.closeTimeout);
      } catch (WakeupException pendingWakeup) {
        // close() woke us while a handler ran; that wakeup is spent now, so commit again.
        consumer.commitSync(new HashMap<>(offsets), settings.closeTimeout);
      }
    } catch (RuntimeException e) {
      log.warn(
          "offset commit failed for {}; those records will be delivered again: {}",
          offsets.keySet(),
          e.toString());
    }
  }

  private void logConsumed(
      ConsumerRecord<byte[], byte[]> record, EventEnvelope envelope, int attempt, long startNanos) {
    log.info(
        "consume client={} group={} brokers={} topic={} partition={} offset={} duration={}us"
            + " event={} id={} attempt={}",
        clientId,
        group,
        bootstrapServers,
        record.topic(),
        record.partition(),
        record.offset(),
        (System.nanoTime() - startNanos) / 1_000,
        envelope.name(),
        envelope.eventId(),
        attempt);
  }

  /** Commits what is done on revocation, and keeps retry waits paused across rebalances. */
  private final class Rebalance implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      invalidated.addAll(partitions);
      Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
      for (TopicPartition partition : partitions) {
        OffsetAndMetadata offset = done.remove(partition);
        if (offset != null) {
          offsets.put(partition, offset);
        }
        uncommitted.remove(partition);
        delayedUntil.remove(partition);
      }
      commitSync(offsets);
      updateAssignment();
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      // Another consumer owns them already: committing would fail, so only forget them.
      invalidated.addAll(partitions);
      for (TopicPartition partition : partitions) {
        done.remove(partition);
        uncommitted.remove(partition);
        delayedUntil.remove(partition);
      }
      updateAssignment();
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      if (pausedForWait != null) {
        consumer.pause(partitions);
        pausedForWait.addAll(partitions);
      }
      updateAssignment();
    }

    private void updateAssignment() {
      assignment = Set.copyOf(consumer.assignment());
    }
  }
}
