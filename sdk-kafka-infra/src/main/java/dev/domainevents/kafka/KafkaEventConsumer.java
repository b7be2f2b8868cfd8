package dev.domainevents.kafka;

import dev.domainevents.EventContext;
import dev.domainevents.EventEnvelope;
import dev.domainevents.EventInterceptor;
import dev.domainevents.spi.DedupeStore;
import dev.domainevents.spi.DeliveryException;
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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
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
 *   <li>in-place retries with exponential backoff. While one waits, only its partition is paused
 *       (and rewound to the record); the consumer keeps polling and handling its other partitions,
 *       so it stays in the group however long the backoff is;
 *   <li>unless ordered, up to {@code rounds} trips through {@code retry-<topic>}. A retry record
 *       that is not due yet pauses only its own partition until it is, at most the configured
 *       delay;
 *   <li>then {@code fail-<topic>}, the dead-letter topic.
 * </ol>
 *
 * <p>Poison records (undecodable) go straight to the dead-letter topic. A copy that the broker
 * refuses for good (too large, say) goes there as a stub without the value, and a record whose stub
 * is refused too is skipped with an error: no record stops its partition. A copy that fails for a
 * transient reason (the broker is unreachable) is sent again after a pause of its partition,
 * without calling the handler again; the record stays uncommitted meanwhile.
 *
 * <p>Records of events that only batch handlers handle go through a {@link BatchCollector}, which
 * hands them over in batches and falls back to this record-by-record path when a batch fails.
 *
 * <p>Not thread-safe except {@link #close()} and {@link #abort()}: the Kafka consumer belongs to
 * this consumer's thread.
 */
final class KafkaEventConsumer implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(KafkaEventConsumer.class);
  private static final long POLL_TIMEOUT_MS = 200;
  private static final long FAILURE_BACKOFF_MS = 1_000;

  /**
   * Handled offsets are committed at most this often while consuming, and always on revocation and
   * close. A commit after every poll cost a tenth of the consumer's CPU when polls return few
   * records; a crash redelivers at most this much more, which the dedupe store absorbs.
   */
  private static final long COMMIT_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  private enum Outcome {
    /** Handled, skipped, dead-lettered or sent to the retry topic: commit past it. */
    DONE,
    /**
     * Not finished: rewind its partition to it and pause the partition until {@link #waitUntil}.
     */
    WAIT
  }

  /** What a record that its partition waits on needs next. */
  private enum Step {
    /** The handler, again; or for the first time, once a retry record's wait is over. */
    HANDLE,
    /** Sending the retry copy. */
    RETRY_TOPIC,
    /** Sending the dead letter. */
    DEAD_LETTER,
    /** Sending the stub of a dead letter or retry copy that was refused for good. */
    STUB
  }

  /**
   * The record a paused partition waits on, and how far it got: when the partition resumes, the
   * record continues at {@code step}, so a failed send never calls the handler again.
   *
   * @param offset the record's offset
   * @param attempts handler calls made: in this delivery for {@link Step#HANDLE}, else in all
   * @param round the retry round a retry copy gets
   * @param reason why the record is dead-lettered
   * @param error what the handler threw last, or why the record is poison
   * @param refused why the full copy was refused, for {@link Step#STUB}
   * @param context the handlers' last context, for the outcome; {@code null} for poison
   * @param nanos how long the handlers ran last, for the outcome
   */
  private record Pending(
      long offset,
      Step step,
      int attempts,
      int round,
      String reason,
      Throwable error,
      RoutingException refused,
      EventContext context,
      long nanos) {
    Pending next(Step step, RoutingException refused) {
      return new Pending(offset, step, attempts, round, reason, error, refused, context, nanos);
    }
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
  private final RecordOutcomes outcomes;
  private final ConsumerStatus status;
  private final Supplier<String> retryCause = this::retryCause;

  /** The subscribed topics that are retry topics: only their records may carry retry headers. */
  private final Set<String> retryTopics = new HashSet<>();

  /** The offset to commit next per partition, updated in place: no object per record. */
  private final Map<TopicPartition, NextOffset> done = new HashMap<>();

  private final Set<TopicPartition> uncommitted = new HashSet<>();
  private final Map<TopicPartition, Long> delayedUntil = new HashMap<>();
  private final Map<TopicPartition, Pending> pending = new HashMap<>();

  /** Collects the records of batch handlers' events, or {@code null} if there are none. */
  private final BatchCollector batches;

  private long waitUntil;
  private long lastCommitNanos;

  /** Records of events this service does not handle or know, skipped and committed. */
  private final AtomicLong skipped = new AtomicLong();

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
      String bootstrapServers,
      ConsumerStatus status) {
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
    this.outcomes = new RecordOutcomes(table.interceptors(), group);
    this.status = status;
    for (String topic : this.topics) {
      if (topic.startsWith(KafkaSettings.RETRY_TOPIC_PREFIX)
          && this.topics.contains(topic.substring(KafkaSettings.RETRY_TOPIC_PREFIX.length()))) {
        retryTopics.add(topic);
      }
    }
    this.batches =
        BatchCollector.of(
            table,
            codec,
            dedupe,
            group,
            retryTopics,
            settings,
            new BatchCollector.RecordPath() {
              @Override
              public boolean handle(ConsumerRecord<byte[], byte[]> record, TopicPartition partition)
                  throws InterruptedException {
                return handleOne(record, partition);
              }

              @Override
              public void done(TopicPartition partition, long offset) {
                markDone(partition, offset);
              }

              @Override
              public boolean waiting(TopicPartition partition) {
                return pending.containsKey(partition);
              }
            });
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

  /** How many records of events this service does not handle or know were skipped. */
  long skipped() {
    return skipped.get();
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
    status.starting();
    try {
      consumer.subscribe(topics, new Rebalance());
      while (running) {
        // Pauses, seeks and the health snapshot: other threads hand them over, this one acts.
        Collection<TopicPartition> moved =
            status.beforePoll(consumer, delayedUntil.keySet(), retryCause);
        if (!moved.isEmpty()) {
          forget(moved);
        }
        long nextDue = resumeDuePartitions();
        if (batches != null) {
          nextDue = Math.min(nextDue, batches.millisUntilDue());
        }
        ConsumerRecords<byte[], byte[]> records =
            consumer.poll(Duration.ofMillis(Math.min(POLL_TIMEOUT_MS, nextDue)));
        // Rebalance callbacks run only inside poll, and nothing in handle() polls: what it
        // returned stays ours, at the positions it read, until the next poll.
        if (!records.isEmpty()) {
          handle(records);
        }
        if (batches != null && running) {
          batches.flushDue();
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
          commitSync(done.keySet());
        }
      } finally {
        try {
          consumer.close(CloseOptions.timeout(settings.closeTimeout));
        } finally {
          assignment = Set.of();
          status.stopped(failure);
        }
      }
    }
  }

  /** Why records wait for a retry, for the health snapshot. */
  private String retryCause() {
    for (Pending waiting : pending.values()) {
      if (waiting.error() != null) {
        return waiting.error().toString();
      }
    }
    return null;
  }

  /** Drops what is held for partitions that left, or that a seek moved. */
  private void forget(Collection<TopicPartition> partitions) {
    if (batches != null) {
      batches.forget(partitions);
    }
    for (TopicPartition partition : partitions) {
      done.remove(partition);
      uncommitted.remove(partition);
      pending.remove(partition);
    }
  }

  private void handle(ConsumerRecords<byte[], byte[]> records) throws InterruptedException {
    if (batches != null) {
      batches.beginPoll();
    }
    for (TopicPartition partition : records.partitions()) {
      for (ConsumerRecord<byte[], byte[]> record : records.records(partition)) {
        if (!running) {
          return;
        }
        if (!(batches == null ? handleOne(record, partition) : batches.offer(record, partition))) {
          break;
        }
      }
    }
  }

  /**
   * Handles one record; returns {@code false} if its partition now waits, rewound to it and paused,
   * so the partition's later records of this poll must be dropped.
   */
  private boolean handleOne(ConsumerRecord<byte[], byte[]> record, TopicPartition partition)
      throws InterruptedException {
    Outcome outcome;
    try {
      outcome = process(record, partition);
    } catch (WakeupException e) {
      throw e;
    } catch (RuntimeException e) {
      // Not the handler (its failures are caught in process) but e.g. the dedupe store:
      // keep the record uncommitted and try it again, rather than stop consuming.
      log.error(
          "processing record {}-{}@{} failed outside the handler; retrying it in {} ms: {}",
          record.topic(),
          record.partition(),
          record.offset(),
          FAILURE_BACKOFF_MS,
          e.toString(),
          e);
      outcome = waitFor(FAILURE_BACKOFF_MS);
    }
    if (outcome == Outcome.DONE) {
      markDone(partition, record.offset());
      return true;
    }
    // Only this partition waits: rewinding it drops what was fetched after the record, and
    // pausing it lets the next polls serve the consumer's other partitions meanwhile.
    consumer.seek(partition, record.offset());
    consumer.pause(List.of(partition));
    delayedUntil.put(partition, waitUntil);
    return false;
  }

  private void markDone(TopicPartition partition, long offset) {
    pending.remove(partition);
    NextOffset next = done.get(partition);
    if (next == null) {
      next = new NextOffset();
      done.put(partition, next);
    }
    next.offset = offset + 1;
    uncommitted.add(partition);
  }

  private Outcome process(ConsumerRecord<byte[], byte[]> record, TopicPartition partition)
      throws InterruptedException {
    // Kept until the record is done or moves on a step: a failure outside the handler (e.g. the
    // dedupe store) must not reset the record's attempts or its served wait.
    Pending resumed = pending.get(partition);
    if (resumed != null && resumed.offset() != record.offset()) {
      pending.remove(partition);
      resumed = null;
    }
    if (resumed != null && resumed.step() != Step.HANDLE) {
      return route(record, partition, resumed);
    }
    EnvelopeCodec.Delivery delivery;
    try {
      delivery = codec.decode(record, retryTopics.contains(record.topic()));
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
      return route(
          record,
          partition,
          new Pending(
              record.offset(), Step.DEAD_LETTER, 0, 0, poison.reason(), poison, null, null, 0));
    }
    if (delivery == null) {
      // An event of an aggregate whose topic this service reads for other events.
      long count = skipped.incrementAndGet();
      if (log.isDebugEnabled()) {
        log.debug(
            "record {}-{}@{} ({}) skipped: not an event this service handles; {} skipped so far",
            record.topic(),
            record.partition(),
            record.offset(),
            header(
                record,
                record.headers().lastHeader(EnvelopeHeaders.EVENT_NAME) == null
                    ? CloudEventsHeaders.TYPE
                    : EnvelopeHeaders.EVENT_NAME),
            count);
      }
      outcomes.report(null, record, EventInterceptor.Outcome.SKIPPED, null, 0);
      return Outcome.DONE;
    }
    if (delivery.group() != null && !delivery.group().equals(group)) {
      // Another group's retry copy or replayed dead letter: expected where several services
      // consume one topic, but never dropped without a trace.
      log.warn(
          "record {}-{}@{} ({} {}) is skipped: its {} header names consumer group \"{}\", not {}",
          record.topic(),
          record.partition(),
          record.offset(),
          delivery.envelope().name(),
          delivery.envelope().eventId(),
          EnvelopeHeaders.GROUP,
          EnvelopeCodec.excerpt(delivery.group(), 100),
          group);
      if (outcomes.active()) {
        outcomes.report(
            outcomes.context(delivery.envelope(), 1, record),
            record,
            EventInterceptor.Outcome.SKIPPED,
            null,
            0);
      }
      return Outcome.DONE;
    }
    if (resumed == null && delivery.retryAt() > System.currentTimeMillis()) {
      return deferRetry(record, partition, delivery.retryAt());
    }
    EventEnvelope envelope = delivery.envelope();

    // One attempt per pass: between attempts the partition waits paused, not this thread.
    int calls = (resumed == null ? 0 : resumed.attempts()) + 1;
    int attempt = saturatedSum(delivery.attempts(), calls);
    EventContext context = outcomes.context(envelope, attempt, record);
    long start = System.nanoTime();
    Throwable lastError;
    long nanos;
    try {
      if (!handleOnce(context)) {
        if (settings.debug) {
          log.info(
              "consume duplicate skipped: event={} id={}", envelope.name(), envelope.eventId());
        }
        outcomes.report(context, record, EventInterceptor.Outcome.DUPLICATE, null, 0);
        return Outcome.DONE;
      }
      if (settings.debug) {
        logConsumed(record, envelope, attempt, start);
      }
      outcomes.report(
          context, record, EventInterceptor.Outcome.HANDLED, null, System.nanoTime() - start);
      return Outcome.DONE;
    } catch (RuntimeException storeFailure) {
      // The dedupe store failed, not a handler: the record is tried again in place.
      outcomes.report(
          context,
          record,
          EventInterceptor.Outcome.RETRIED,
          storeFailure,
          System.nanoTime() - start);
      throw storeFailure;
    } catch (HandlerFailure failure) {
      nanos = System.nanoTime() - start;
      Throwable e = failure.getCause();
      lastError = e;
      log.warn(
          "handler of {} {} failed on attempt {}: {}",
          envelope.name(),
          envelope.eventId(),
          attempt,
          e.toString());
    }
    int total = saturatedSum(delivery.attempts(), calls);
    if (lastError instanceof DeliveryException rejected && rejected.isRejected()) {
      // E.g. the HTTP proxy's receiver answered 400: no retry can help, so none is made.
      return route(
          record,
          partition,
          new Pending(
              record.offset(),
              Step.DEAD_LETTER,
              total,
              0,
              rejected.reason(),
              lastError,
              null,
              context,
              nanos));
    }
    if (calls < settings.retryAttempts) {
      outcomes.report(context, record, EventInterceptor.Outcome.RETRIED, lastError, nanos);
      pending.put(
          partition,
          new Pending(record.offset(), Step.HANDLE, calls, 0, null, lastError, null, null, 0));
      return waitFor(retryDelay(calls, lastError));
    }
    boolean retryTopic = retryRouter != null && delivery.retryRound() < settings.retryTopicRounds;
    return route(
        record,
        partition,
        new Pending(
            record.offset(),
            retryTopic ? Step.RETRY_TOPIC : Step.DEAD_LETTER,
            total,
            retryTopic ? delivery.retryRound() + 1 : 0,
            DeadLetterRouter.HANDLER_FAILED,
            lastError,
            null,
            context,
            nanos));
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

  /**
   * Pauses a retry record's partition until it is due, but never longer than the configured retry
   * delay from now: the SDK writes due times that close, and a later one (a clock ahead, or a
   * forged header) must not pause the partition without limit.
   */
  private Outcome deferRetry(
      ConsumerRecord<byte[], byte[]> record, TopicPartition partition, long retryAt) {
    long latest = System.currentTimeMillis() + settings.retryTopicDelayMs;
    if (retryAt > latest) {
      log.warn(
          "record {}-{}@{} asks to wait until {} (epoch ms), past the retry delay of {} ms; it"
              + " waits {} ms",
          record.topic(),
          record.partition(),
          record.offset(),
          retryAt,
          settings.retryTopicDelayMs,
          settings.retryTopicDelayMs);
      retryAt = latest;
    }
    // Once the wait is over the record is handled, whatever its header says by then.
    pending.put(
        partition, new Pending(record.offset(), Step.HANDLE, 0, 0, null, null, null, null, 0));
    waitUntil = retryAt;
    return Outcome.WAIT;
  }

  /**
   * Sends the record's retry copy, dead letter or stub, moving on to the stub when a copy is
   * refused for good, and to skipping the record when even the stub is. A transient failure leaves
   * the record pending at the step that failed.
   */
  private Outcome route(
      ConsumerRecord<byte[], byte[]> record, TopicPartition partition, Pending step)
      throws InterruptedException {
    while (true) {
      try {
        switch (step.step()) {
          case RETRY_TOPIC -> {
            String topic = retryRouter.route(record, step.error(), step.attempts(), step.round());
            log.warn(
                "record {}-{}@{} failed {} time(s); retrying later through {}",
                record.topic(),
                record.partition(),
                record.offset(),
                step.attempts(),
                topic);
            outcomes.report(
                step.context(),
                record,
                EventInterceptor.Outcome.RETRY_TOPIC,
                step.error(),
                step.nanos());
          }
          case DEAD_LETTER, STUB -> {
            boolean stub = step.step() == Step.STUB;
            String topic =
                stub
                    ? deadLetters.routeStub(
                        record, step.reason(), step.error(), step.attempts(), step.refused())
                    : deadLetters.route(record, step.reason(), step.error(), step.attempts());
            log.error(
                "record {}-{}@{} moved to dead-letter topic {}{} ({}, {} attempt(s)): {}",
                record.topic(),
                record.partition(),
                record.offset(),
                topic,
                stub ? " as a stub without its value" : "",
                step.reason(),
                step.attempts(),
                String.valueOf(step.error()));
            outcomes.report(
                step.context(),
                record,
                EventInterceptor.Outcome.DEAD_LETTERED,
                step.error(),
                step.nanos());
          }
          case HANDLE -> throw new IllegalStateException("not a routing step: " + step);
        }
        return Outcome.DONE;
      } catch (RoutingException e) {
        if (!e.permanent()) {
          log.error(
              "could not route record {}-{}@{}; it stays uncommitted and its copy is sent again in"
                  + " {} ms, without calling the handler: {}",
              record.topic(),
              record.partition(),
              record.offset(),
              FAILURE_BACKOFF_MS,
              e.getMessage());
          pending.put(partition, step);
          return waitFor(FAILURE_BACKOFF_MS);
        }
        if (step.step() == Step.STUB) {
          log.error(
              "record {}-{}@{} is skipped: not even a stub of it could be dead-lettered ({});"
                  + " {} {} is lost to group {} ({}: {})",
              record.topic(),
              record.partition(),
              record.offset(),
              e.getMessage(),
              header(record, EnvelopeHeaders.EVENT_NAME),
              header(record, EnvelopeHeaders.EVENT_ID),
              group,
              step.reason(),
              String.valueOf(step.error()));
          outcomes.report(
              step.context(), record, EventInterceptor.Outcome.SKIPPED, step.error(), step.nanos());
          return Outcome.DONE;
        }
        log.error(
            "the {} copy of record {}-{}@{} was refused for good ({}); dead-lettering a stub"
                + " without its value",
            step.step() == Step.RETRY_TOPIC ? "retry" : "dead-letter",
            record.topic(),
            record.partition(),
            record.offset(),
            e.getMessage());
        step = step.next(Step.STUB, e);
      }
    }
  }

  /** A header of a record that may be poison, for a log line: bounded, never throwing. */
  private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
    Header header = record.headers().lastHeader(name);
    return header == null || header.value() == null
        ? "(no " + name + ")"
        : EnvelopeCodec.excerpt(EnvelopeCodec.string(header.value()), 200);
  }

  private Outcome waitFor(long millis) {
    waitUntil = System.currentTimeMillis() + millis;
    return Outcome.WAIT;
  }

  /** {@code a + b}, or {@link Integer#MAX_VALUE} where that would overflow. */
  private static int saturatedSum(int a, int b) {
    long sum = (long) a + b;
    return sum > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) sum;
  }

  /**
   * The backoff, or longer if a {@link DeliveryException} asked for it (an HTTP {@code
   * Retry-After}), but never past the longest backoff: the receiver does not set our bounds.
   */
  private long retryDelay(int failedAttempts, Throwable error) {
    long delay = backoff(failedAttempts);
    if (error instanceof DeliveryException later) {
      long asked = Math.min(later.retryAfter().toMillis(), settings.retryBackoffMaxMs);
      delay = Math.max(delay, asked);
    }
    return delay;
  }

  private long backoff(int failedAttempts) {
    long delay = settings.retryBackoffMs << Math.min(failedAttempts - 1, 20);
    return Math.min(delay, settings.retryBackoffMaxMs);
  }

  /**
   * Resumes the partitions whose wait is over; returns the milliseconds until the next one is due,
   * so that the next poll wakes up for it.
   */
  private long resumeDuePartitions() {
    if (delayedUntil.isEmpty()) {
      return Long.MAX_VALUE;
    }
    long now = System.currentTimeMillis();
    long next = Long.MAX_VALUE;
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
      } else {
        next = Math.min(next, entry.getValue() - now);
      }
    }
    if (due != null) {
      due.retainAll(consumer.assignment());
      due.removeIf(status::isPaused);
      consumer.resume(due);
    }
    return next;
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
    Map<TopicPartition, OffsetAndMetadata> offsets = offsetsOf(uncommitted);
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

  /** The offsets to commit for those of {@code partitions} that have records done. */
  private Map<TopicPartition, OffsetAndMetadata> offsetsOf(Collection<TopicPartition> partitions) {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (TopicPartition partition : partitions) {
      NextOffset next = done.get(partition);
      if (next != null) {
        offsets.put(partition, new OffsetAndMetadata(next.offset));
      }
    }
    return offsets;
  }

  /** Commits what is done of {@code partitions}, waiting at most the close timeout. */
  private void commitSync(Collection<TopicPartition> partitions) {
    if (aborted) {
      return;
    }
    Map<TopicPartition, OffsetAndMetadata> offsets = offsetsOf(partitions);
    if (offsets.isEmpty()) {
      return;
    }
    try {
      try {
        consumer.commitSync(offsets, settings.closeTimeout);
      } catch (WakeupException pendingWakeup) {
        // close() woke us while a handler ran; that wakeup is spent now, so commit again.
        consumer.commitSync(offsets, settings.closeTimeout);
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

  /** The offset after a partition's last record done: what a commit sends. */
  private static final class NextOffset {
    long offset;
  }

  /** Commits what is done on revocation, and forgets the waits of partitions that leave. */
  private final class Rebalance implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      if (batches != null) {
        batches.forget(partitions);
      }
      commitSync(partitions);
      for (TopicPartition partition : partitions) {
        done.remove(partition);
        uncommitted.remove(partition);
        delayedUntil.remove(partition);
        pending.remove(partition);
      }
      updateAssignment();
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      // Another consumer owns them already: committing would fail, so only forget them.
      forget(partitions);
      delayedUntil.keySet().removeAll(partitions);
      updateAssignment();
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      status.assigned(consumer, partitions);
      updateAssignment();
    }

    private void updateAssignment() {
      assignment = Set.copyOf(consumer.assignment());
    }
  }
}
