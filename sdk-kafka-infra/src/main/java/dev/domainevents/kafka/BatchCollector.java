package dev.domainevents.kafka;

import dev.domainevents.Delivery;
import dev.domainevents.EventInterceptor.Outcome;
import dev.domainevents.EventInterceptors;
import dev.domainevents.spi.DedupeStore;
import dev.domainevents.spi.DispatchTable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Collects a consumer's records of events that only batch handlers handle into batches, one per
 * event name, and hands each batch to {@link DispatchTable#dispatchBatch} once it holds {@code
 * domainevents.batch.max.size} records or its first record has waited {@code
 * domainevents.batch.max.wait.ms}.
 *
 * <p>Order within a partition holds: a partition's records sit in at most one batch at a time, and
 * before any other record of the partition is handled, that batch is dispatched. Every other record
 * (another event, a retry copy, a record its partition is retrying, one that does not decode) goes
 * the consumer's record-by-record way.
 *
 * <p>Offsets move only after a batch: when it succeeds, each of its partitions is done up to its
 * last record. When it fails, its records are handled one by one, in order, through the consumer's
 * normal failure policy, so that one bad record is retried and dead-lettered alone; a handler sees
 * the good ones once more, each in a one-element list.
 *
 * <p>Duplicates are told apart with the dedupe store's {@link DedupeStore#contains} before the
 * batch and recorded with {@link DedupeStore#add} after it, not inside the handler's transaction as
 * a store's {@link DedupeStore#handleOnce} may do: a crash in between repeats the batch's effect.
 *
 * <p>Runs on the consumer's thread alone.
 */
final class BatchCollector {
  private static final Logger log = LoggerFactory.getLogger(BatchCollector.class);

  /** The consumer's way for one record. */
  interface RecordPath {
    /**
     * Handles one record as if there were no batches.
     *
     * @return {@code false} if its partition now waits (rewound and paused): drop what follows
     */
    boolean handle(ConsumerRecord<byte[], byte[]> record, TopicPartition partition)
        throws InterruptedException;

    /** Marks {@code partition} done up to and including {@code offset}. */
    void done(TopicPartition partition, long offset);

    /** Whether a record of {@code partition} is part-way through the failure policy. */
    boolean waiting(TopicPartition partition);
  }

  /** One buffered record, decoded, with the delivery its handler sees. */
  private record Entry(
      ConsumerRecord<byte[], byte[]> record, TopicPartition partition, Delivery delivery) {}

  /** The records of one event name waiting for their batch. */
  private static final class Batch {
    final String name;
    final long dueNanos;
    final List<Entry> entries = new ArrayList<>();

    Batch(String name, long dueNanos) {
      this.name = name;
      this.dueNanos = dueNanos;
    }
  }

  private final DispatchTable table;
  private final EnvelopeCodec codec;
  private final DedupeStore dedupe;
  private final String group;
  private final Set<String> retryTopics;
  private final RecordPath records;
  private final int maxSize;
  private final long maxWaitNanos;
  private final Set<String> names;
  private final byte[][] nameBytes;

  private final Map<String, Batch> batches = new LinkedHashMap<>();
  private final Map<TopicPartition, String> holding = new HashMap<>();

  /** Partitions that stopped in this poll: a fallback rewound and paused them. */
  private final Set<TopicPartition> stopped = new HashSet<>();

  BatchCollector(
      DispatchTable table,
      EnvelopeCodec codec,
      DedupeStore dedupe,
      String group,
      Set<String> retryTopics,
      KafkaSettings settings,
      RecordPath records) {
    this.table = table;
    this.codec = codec;
    this.dedupe = dedupe;
    this.group = group;
    this.retryTopics = retryTopics;
    this.records = records;
    this.maxSize = settings.batchMaxSize;
    this.maxWaitNanos = TimeUnit.MILLISECONDS.toNanos(settings.batchMaxWaitMs);
    this.names = table.batches();
    this.nameBytes =
        names.stream().map(n -> n.getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new);
  }

  /** Returns a collector, or {@code null} when no event of {@code table} is batched. */
  static BatchCollector of(
      DispatchTable table,
      EnvelopeCodec codec,
      DedupeStore dedupe,
      String group,
      Set<String> retryTopics,
      KafkaSettings settings,
      RecordPath records) {
    return table.batches().isEmpty()
        ? null
        : new BatchCollector(table, codec, dedupe, group, retryTopics, settings, records);
  }

  /** Starts the records of a new poll: no partition has stopped in it yet. */
  void beginPoll() {
    stopped.clear();
  }

  /**
   * Takes the next record of {@code partition}: into a batch, or along the record path after the
   * partition's batch.
   *
   * @return {@code false} if the partition now waits: drop its remaining records of this poll
   */
  boolean offer(ConsumerRecord<byte[], byte[]> record, TopicPartition partition)
      throws InterruptedException {
    if (stopped.contains(partition)) {
      return false;
    }
    Entry entry = batchable(record, partition);
    String held = holding.get(partition);
    if (held != null && (entry == null || !held.equals(entry.delivery().name()))) {
      flush(held);
      if (stopped.contains(partition)) {
        return false;
      }
    }
    if (entry == null) {
      if (!records.handle(record, partition)) {
        stopped.add(partition);
        return false;
      }
      return true;
    }
    String name = entry.delivery().name();
    Batch batch = batches.get(name);
    if (batch == null) {
      batch = new Batch(name, System.nanoTime() + maxWaitNanos);
      batches.put(name, batch);
    }
    batch.entries.add(entry);
    holding.put(partition, name);
    if (batch.entries.size() >= maxSize) {
      flush(name);
    }
    return !stopped.contains(partition);
  }

  /** Dispatches the batches whose first record has waited long enough. */
  void flushDue() throws InterruptedException {
    if (batches.isEmpty()) {
      return;
    }
    long now = System.nanoTime();
    List<String> due = new ArrayList<>();
    for (Batch batch : batches.values()) {
      if (now - batch.dueNanos >= 0) {
        due.add(batch.name);
      }
    }
    for (String name : due) {
      flush(name);
    }
  }

  /**
   * Milliseconds until the next batch is due, for the poll timeout; {@code Long.MAX_VALUE} if none.
   */
  long millisUntilDue() {
    long next = Long.MAX_VALUE;
    long now = System.nanoTime();
    for (Batch batch : batches.values()) {
      next = Math.min(next, Math.max(0, TimeUnit.NANOSECONDS.toMillis(batch.dueNanos - now)));
    }
    return next;
  }

  /**
   * Drops the buffered records of partitions that leave: they are uncommitted, so their next owner
   * reads them again.
   */
  void forget(Collection<TopicPartition> partitions) {
    for (TopicPartition partition : partitions) {
      String name = holding.remove(partition);
      if (name == null) {
        continue;
      }
      Batch batch = batches.get(name);
      batch.entries.removeIf(e -> e.partition().equals(partition));
      if (batch.entries.isEmpty()) {
        batches.remove(name);
      }
    }
  }

  /** The decoded record if it can join a batch, else {@code null}. */
  private Entry batchable(ConsumerRecord<byte[], byte[]> record, TopicPartition partition) {
    if (!namesBatchedEvent(record)
        || retryTopics.contains(record.topic())
        || records.waiting(partition)) {
      return null;
    }
    EnvelopeCodec.Delivery decoded;
    try {
      decoded = codec.decode(record, false);
    } catch (RuntimeException poison) {
      return null; // the record path dead-letters it with its reason
    }
    if (decoded == null
        || (decoded.group() != null && !decoded.group().equals(group))
        || decoded.retryAt() != 0
        || !names.contains(decoded.envelope().name())) {
      return null;
    }
    int attempt =
        decoded.attempts() == Integer.MAX_VALUE ? decoded.attempts() : decoded.attempts() + 1;
    return new Entry(
        record,
        partition,
        Delivery.of(
            decoded.envelope(),
            attempt,
            "kafka",
            record.topic(),
            group,
            record.partition(),
            record.offset()));
  }

  /** Compares the name headers' bytes, so that other records cost no decoding and no String. */
  private boolean namesBatchedEvent(ConsumerRecord<byte[], byte[]> record) {
    Header name = record.headers().lastHeader(EnvelopeHeaders.EVENT_NAME);
    if (name == null) {
      name = record.headers().lastHeader(CloudEventsHeaders.TYPE);
    }
    if (name == null) {
      return names.contains(record.topic()); // a plain topic's message
    }
    byte[] value = name.value();
    for (byte[] candidate : nameBytes) {
      if (Arrays.equals(candidate, value)) {
        return true;
      }
    }
    return false;
  }

  private void flush(String name) throws InterruptedException {
    Batch batch = batches.remove(name);
    if (batch == null) {
      return;
    }
    for (Entry entry : batch.entries) {
      holding.remove(entry.partition(), name);
    }
    List<Delivery> fresh = new ArrayList<>(batch.entries.size());
    List<Delivery> duplicates = new ArrayList<>();
    try {
      for (Entry entry : batch.entries) {
        if (dedupe.contains(group, entry.delivery().eventId())) {
          duplicates.add(entry.delivery());
        } else {
          fresh.add(entry.delivery());
        }
      }
    } catch (RuntimeException storeFailure) {
      log.warn(
          "dedupe store failed before a batch of {} {}; handling its records one by one: {}",
          batch.entries.size(),
          name,
          storeFailure.toString());
      oneByOne(batch);
      return;
    }
    long start = System.nanoTime();
    if (!fresh.isEmpty()) {
      try {
        table.dispatchBatch(name, fresh);
      } catch (Exception | AssertionError | LinkageError e) {
        log.warn(
            "batch handler of {} failed on {} record(s) ({}); handling them one by one",
            name,
            fresh.size(),
            e.toString());
        oneByOne(batch);
        return;
      }
    }
    long duration = System.nanoTime() - start;
    for (Delivery delivery : fresh) {
      try {
        dedupe.add(group, delivery.eventId());
      } catch (RuntimeException e) {
        log.warn(
            "dedupe store did not record {} {} after its batch; a redelivery handles it again: {}",
            delivery.name(),
            delivery.eventId(),
            e.toString());
      }
    }
    reportOutcomes(fresh, duplicates, duration);
    Map<TopicPartition, Long> last = new LinkedHashMap<>();
    for (Entry entry : batch.entries) {
      last.put(entry.partition(), entry.record().offset());
    }
    last.forEach(records::done);
  }

  /** Each record of a successful batch is handled; its duration is its share of the batch's. */
  private void reportOutcomes(List<Delivery> fresh, List<Delivery> duplicates, long duration) {
    EventInterceptors interceptors = table.interceptors();
    if (interceptors.isEmpty()) {
      return;
    }
    long share = fresh.isEmpty() ? 0 : duration / fresh.size();
    for (Delivery delivery : fresh) {
      interceptors.outcome(delivery, Outcome.HANDLED, null, share);
    }
    for (Delivery delivery : duplicates) {
      interceptors.outcome(delivery, Outcome.DUPLICATE, null, 0);
    }
  }

  /** The fallback: each record along the record path, in order, until its partition waits. */
  private void oneByOne(Batch batch) throws InterruptedException {
    for (Iterator<Entry> it = batch.entries.iterator(); it.hasNext(); ) {
      Entry entry = it.next();
      if (stopped.contains(entry.partition())) {
        continue; // rewound to an earlier record of its partition: read again after the wait
      }
      if (!records.handle(entry.record(), entry.partition())) {
        stopped.add(entry.partition());
      }
    }
  }
}
