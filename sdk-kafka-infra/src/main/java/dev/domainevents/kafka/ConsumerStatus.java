package dev.domainevents.kafka;

import dev.domainevents.InfraHealth;
import dev.domainevents.InfraHealth.PartitionLag;
import dev.domainevents.InfraHealth.State;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Queue;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The health of one consumer slot and the operator's requests to it: its state, restarts, assigned
 * partitions with their lag, and the pauses and seeks it must carry out. It outlives the consumer
 * thread it describes, so a restarted consumer keeps the restart count, the pauses and the seeks
 * not yet done.
 *
 * <p>Kafka's consumer is not thread-safe. Other threads only hand requests over and read the last
 * snapshot; the polling thread carries the requests out and publishes a fresh immutable snapshot
 * between polls ({@link #beforePoll}), at most every {@link #REFRESH_NANOS} unless something
 * changed.
 */
final class ConsumerStatus {
  private static final Logger log = LoggerFactory.getLogger(ConsumerStatus.class);

  /** Lag is read from the consumer's own fetch state: cheap, but not worth doing every poll. */
  private static final long REFRESH_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

  private static final int MAX_CAUSE_LENGTH = 500;
  private static final Comparator<TopicPartition> ORDER =
      Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition);

  /** A replay request: to the beginning, or to the first offset at or after a time. */
  private record Seek(Set<String> topics, Instant timestamp, CompletableFuture<Void> done) {}

  private final String name;
  private final String group;
  private final Set<String> topics;
  private final Duration timeout;
  private final Consumer<Throwable> onStop;
  private final Queue<Seek> seeks = new ConcurrentLinkedQueue<>();
  private volatile Set<String> pausedTopics = Set.of();
  private volatile boolean pausesChanged;
  private volatile InfraHealth.Consumer snapshot;
  private volatile int restarts;
  private volatile boolean closed;

  // The polling thread's own.
  private boolean joined;
  private boolean dirty;
  private long refreshedNanos;

  /**
   * @param name the consumer's client id
   * @param group its consumer group
   * @param topics the topics it subscribes to
   * @param timeout how long a seek may block the polling thread on the broker
   * @param onStop told when the consumer thread ends: the fatal error, or {@code null} if closed
   */
  ConsumerStatus(
      String name,
      String group,
      Collection<String> topics,
      Duration timeout,
      Consumer<Throwable> onStop) {
    this.name = name;
    this.group = group;
    this.topics = Set.copyOf(topics);
    this.timeout = timeout;
    this.onStop = onStop;
    this.snapshot = consumer(State.STARTING, null, List.of());
  }

  /** The last published snapshot. */
  InfraHealth.Consumer snapshot() {
    InfraHealth.Consumer last = snapshot;
    int count = restarts;
    return last.restarts() == count
        ? last
        : new InfraHealth.Consumer(
            last.name(), last.group(), last.state(), last.cause(), count, last.partitions());
  }

  /** Counts a restart after a fatal error. */
  void restarted() {
    restarts++;
  }

  int restarts() {
    return restarts;
  }

  /**
   * Pauses {@code topics} (those this consumer subscribes to), or all its topics if {@code null},
   * on top of what is paused already.
   */
  synchronized void pause(Set<String> topics) {
    Set<String> paused = new HashSet<>(pausedTopics);
    paused.addAll(topics == null ? this.topics : mine(topics));
    setPaused(paused);
  }

  /** Resumes {@code topics}, or everything this consumer paused if {@code null}. */
  synchronized void resume(Set<String> topics) {
    Set<String> paused = new HashSet<>(pausedTopics);
    if (topics == null) {
      paused.clear();
    } else {
      paused.removeAll(topics);
    }
    setPaused(paused);
  }

  private void setPaused(Set<String> paused) {
    pausedTopics = Set.copyOf(paused);
    pausesChanged = true;
  }

  /** Whether an operator paused this partition's topic: a retry wait must not resume it. */
  boolean isPaused(TopicPartition partition) {
    return pausedTopics.contains(partition.topic());
  }

  /**
   * Asks the polling thread to seek {@code topics} (those this consumer subscribes to, or all of
   * them if {@code null}) to the beginning, or when {@code timestamp} is given to the first offset
   * at or after it, and to commit there. The future completes once done, with its partitions.
   */
  CompletableFuture<Void> seek(Set<String> topics, Instant timestamp) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    if (closed) {
      done.completeExceptionally(new IllegalStateException("consumer " + name + " is closed"));
      return done;
    }
    seeks.add(new Seek(topics == null ? this.topics : mine(topics), timestamp, done));
    return done;
  }

  private Set<String> mine(Set<String> requested) {
    Set<String> own = new HashSet<>(requested);
    own.retainAll(this.topics);
    return own;
  }

  /** The consumer thread starts: not yet in its group. */
  void starting() {
    joined = false;
    snapshot = consumer(State.STARTING, null, List.of());
  }

  /**
   * The group gave the consumer {@code partitions}; called from the rebalance callback, on the
   * polling thread. Newly assigned partitions of a paused topic are paused at once.
   */
  void assigned(
      org.apache.kafka.clients.consumer.Consumer<?, ?> consumer,
      Collection<TopicPartition> partitions) {
    joined = true;
    dirty = true;
    Set<String> paused = pausedTopics;
    if (paused.isEmpty()) {
      return;
    }
    List<TopicPartition> toPause = new ArrayList<>();
    for (TopicPartition partition : partitions) {
      if (paused.contains(partition.topic())) {
        toPause.add(partition);
      }
    }
    consumer.pause(toPause);
  }

  /**
   * Carries out the requests handed over since the last poll and refreshes the snapshot when due.
   * On the polling thread, between polls.
   *
   * @param waiting partitions paused while a record waits for its retry: a resume leaves them be
   * @param retryCause why records wait, for the snapshot
   * @return the partitions a seek moved: what the consumer held for them is void
   */
  Collection<TopicPartition> beforePoll(
      org.apache.kafka.clients.consumer.Consumer<?, ?> consumer,
      Set<TopicPartition> waiting,
      Supplier<String> retryCause) {
    if (!joined) {
      return List.of();
    }
    if (pausesChanged) {
      pausesChanged = false;
      applyPauses(consumer, waiting);
      dirty = true;
    }
    Collection<TopicPartition> moved = List.of();
    if (!seeks.isEmpty()) {
      moved = applySeeks(consumer);
      dirty = true;
    }
    long now = System.nanoTime();
    if (dirty || now - refreshedNanos >= REFRESH_NANOS) {
      refresh(consumer, waiting, retryCause);
      refreshedNanos = now;
      dirty = false;
    }
    return moved;
  }

  private void applyPauses(
      org.apache.kafka.clients.consumer.Consumer<?, ?> consumer, Set<TopicPartition> waiting) {
    Set<String> paused = pausedTopics;
    Set<TopicPartition> alreadyPaused = consumer.paused();
    List<TopicPartition> toPause = new ArrayList<>();
    List<TopicPartition> toResume = new ArrayList<>();
    for (TopicPartition partition : consumer.assignment()) {
      if (paused.contains(partition.topic())) {
        toPause.add(partition);
      } else if (alreadyPaused.contains(partition) && !waiting.contains(partition)) {
        toResume.add(partition);
      }
    }
    consumer.pause(toPause);
    consumer.resume(toResume);
    log.info("consumer {} of group {}: paused topics now {}", name, group, new TreeSet<>(paused));
  }

  private Collection<TopicPartition> applySeeks(
      org.apache.kafka.clients.consumer.Consumer<?, ?> consumer) {
    Set<TopicPartition> moved = new HashSet<>();
    Seek seek;
    while ((seek = seeks.poll()) != null) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (TopicPartition partition : consumer.assignment()) {
        if (seek.topics().contains(partition.topic())) {
          partitions.add(partition);
        }
      }
      try {
        if (!partitions.isEmpty()) {
          seekTo(consumer, partitions, seek.timestamp());
          moved.addAll(partitions);
        }
        seek.done().complete(null);
      } catch (WakeupException e) {
        seek.done().completeExceptionally(e);
        throw e;
      } catch (RuntimeException e) {
        log.error(
            "consumer {} of group {} could not seek {}: {}", name, group, partitions, e.toString());
        seek.done().completeExceptionally(e);
      }
    }
    return moved;
  }

  /**
   * Seeks and commits the new positions, so that the replay survives a rebalance or a restart: the
   * next owner of a partition starts where the seek put it, not at the old committed offset.
   */
  private void seekTo(
      org.apache.kafka.clients.consumer.Consumer<?, ?> consumer,
      List<TopicPartition> partitions,
      Instant timestamp) {
    if (timestamp == null) {
      consumer.seekToBeginning(partitions);
    } else {
      Map<TopicPartition, Long> query = new HashMap<>();
      for (TopicPartition partition : partitions) {
        query.put(partition, timestamp.toEpochMilli());
      }
      Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query, timeout);
      List<TopicPartition> noneLater = new ArrayList<>();
      for (TopicPartition partition : partitions) {
        OffsetAndTimestamp offset = found.get(partition);
        if (offset == null) {
          noneLater.add(partition);
        } else {
          consumer.seek(partition, offset.offset());
        }
      }
      if (!noneLater.isEmpty()) {
        // Never with an empty list: that seeks every assigned partition to its end.
        consumer.seekToEnd(noneLater);
      }
    }
    Map<TopicPartition, OffsetAndMetadata> positions = new HashMap<>();
    for (TopicPartition partition : partitions) {
      positions.put(partition, new OffsetAndMetadata(consumer.position(partition, timeout)));
    }
    consumer.commitSync(positions, timeout);
    log.warn(
        "consumer {} of group {} sought {} to {} for a replay: {}",
        name,
        group,
        partitions.size() == 1 ? "1 partition" : partitions.size() + " partitions",
        timestamp == null ? "the beginning" : timestamp,
        positions);
  }

  private void refresh(
      org.apache.kafka.clients.consumer.Consumer<?, ?> consumer,
      Set<TopicPartition> waiting,
      Supplier<String> retryCause) {
    List<TopicPartition> assigned = new ArrayList<>(consumer.assignment());
    assigned.sort(ORDER);
    List<PartitionLag> partitions = new ArrayList<>(assigned.size());
    for (TopicPartition partition : assigned) {
      OptionalLong lag = consumer.currentLag(partition);
      partitions.add(new PartitionLag(partition.topic(), partition.partition(), lag.orElse(-1)));
    }
    Set<String> paused = pausedTopics;
    if (!paused.isEmpty()) {
      snapshot = consumer(State.PAUSED, "paused " + new TreeSet<>(paused), partitions);
    } else if (!waiting.isEmpty()) {
      snapshot = consumer(State.RETRYING, bounded(retryCause.get()), partitions);
    } else {
      snapshot = consumer(State.RUNNING, null, partitions);
    }
  }

  /**
   * The consumer thread ended: closed ({@code cause} {@code null}) or killed by a fatal error. The
   * snapshot says so before the supervisor hears of it.
   */
  void stopped(Throwable cause) {
    joined = false;
    snapshot =
        consumer(State.STOPPED, cause == null ? "closed" : bounded(cause.toString()), List.of());
    onStop.accept(cause);
  }

  /** No consumer will run again: seeks still waiting fail. */
  void close() {
    closed = true;
    Seek seek;
    while ((seek = seeks.poll()) != null) {
      seek.done().completeExceptionally(new IllegalStateException("consumer " + name + " closed"));
    }
  }

  private InfraHealth.Consumer consumer(State state, String cause, List<PartitionLag> partitions) {
    return new InfraHealth.Consumer(name, group, state, cause, restarts, partitions);
  }

  private static String bounded(String cause) {
    return cause == null ? null : EnvelopeCodec.excerpt(cause, MAX_CAUSE_LENGTH);
  }
}
