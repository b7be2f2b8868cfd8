package dev.domainevents;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A snapshot of an infra's health: each consumer's state, assigned partitions and lag, the
 * publisher's state, and the counts an operator watches (an outbox's pending and failed rows, say).
 * Read it with {@link DomainEvents.Installation#health()}, e.g. from a {@code /health} endpoint.
 *
 * @param system the infra, e.g. {@code kafka}
 * @param consumers one entry per consumer thread or channel, in a stable order
 * @param publisher the publisher's state
 * @param counts named counts, e.g. {@code outbox.pending}; unmodifiable
 */
public record InfraHealth(
    String system, List<Consumer> consumers, Publisher publisher, Map<String, Long> counts) {

  /** Validates the fields and copies the collections. */
  public InfraHealth {
    Objects.requireNonNull(system, "system");
    Objects.requireNonNull(publisher, "publisher");
    consumers = List.copyOf(consumers);
    counts = Map.copyOf(counts);
  }

  /** The health of an infra that reports nothing beyond being installed. */
  public static InfraHealth unreported(String system) {
    return new InfraHealth(system, List.of(), new Publisher(State.RUNNING, null, 0), Map.of());
  }

  /** {@link Status#DOWN} if a consumer or the publisher is stopped, else {@link Status#UP}. */
  public Status status() {
    if (publisher.state() == State.STOPPED) {
      return Status.DOWN;
    }
    for (Consumer consumer : consumers) {
      if (consumer.state() == State.STOPPED) {
        return Status.DOWN;
      }
    }
    return Status.UP;
  }

  /** The overall verdict. */
  public enum Status {
    /** Everything runs, possibly paused or retrying. */
    UP,
    /** A consumer or the publisher stopped; see its cause. */
    DOWN
  }

  /** What a consumer or publisher is doing. */
  public enum State {
    /** Started, not yet running (joining its group, say). */
    STARTING,
    /** Running. */
    RUNNING,
    /** Paused by an operator. */
    PAUSED,
    /** Retrying a failed delivery in place, or reconnecting. */
    RETRYING,
    /** Stopped: closed, or killed by a fatal error (see the cause); restarted if configured. */
    STOPPED
  }

  /**
   * One consumer.
   *
   * @param name the consumer's name, e.g. its client id or queue
   * @param group its consumer group or service, or {@code null}
   * @param state what it is doing
   * @param cause why it stopped or retries, or {@code null}
   * @param restarts how many times it was restarted after a fatal error
   * @param partitions its assigned partitions with their lag, empty where the infra has none
   */
  public record Consumer(
      String name,
      String group,
      State state,
      String cause,
      int restarts,
      List<PartitionLag> partitions) {
    /** Validates the fields and copies the partitions. */
    public Consumer {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(state, "state");
      partitions = List.copyOf(partitions);
    }

    /** The sum of the known lags of its partitions. */
    public long lag() {
      long total = 0;
      for (PartitionLag partition : partitions) {
        total += Math.max(0, partition.lag());
      }
      return total;
    }
  }

  /**
   * One assigned partition (or queue) and how far its consumer is behind.
   *
   * @param topic the topic or queue
   * @param partition the partition, or {@code -1}
   * @param lag records not yet consumed, or {@code -1} when not known yet
   */
  public record PartitionLag(String topic, int partition, long lag) {
    /** Validates the topic. */
    public PartitionLag {
      Objects.requireNonNull(topic, "topic");
    }
  }

  /**
   * The publisher.
   *
   * @param state {@link State#RUNNING}, {@link State#RETRYING} while reconnecting, or {@link
   *     State#STOPPED}
   * @param cause why it is not running, or {@code null}
   * @param inFlight events handed to the infra and not yet acknowledged
   */
  public record Publisher(State state, String cause, long inFlight) {
    /** Validates the state. */
    public Publisher {
      Objects.requireNonNull(state, "state");
    }
  }
}
