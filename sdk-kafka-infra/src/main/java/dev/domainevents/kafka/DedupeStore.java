package dev.domainevents.kafka;

import java.util.UUID;

/**
 * Remembers which events a consumer group has handled, so that a redelivered event (the same event
 * id) is skipped. Kafka delivers at least once: after a crash or a rebalance, records handled but
 * not yet committed are delivered again.
 *
 * <p>The consumer asks {@link #contains} before calling the handlers and calls {@link #add} only
 * after they succeeded, so a crash in between causes a redelivery, never a loss.
 *
 * <p>The default, {@link #create()}, is a bounded in-memory store. Its limits:
 *
 * <ul>
 *   <li>it lives in one process: it is empty after a restart, and two instances of a service do
 *       not see each other's entries, so a redelivery to another instance (after a rebalance) is
 *       not detected;
 *   <li>it holds at most {@code maxEntries} ids and forgets the oldest handled first, so a
 *       duplicate that arrives after that many newer events is not detected.
 * </ul>
 *
 * <p>For exactly-once effects across restarts and instances, implement this interface over a
 * shared store, e.g. a database table keyed by (group, event id) written in the handler's
 * transaction, or Redis with a TTL. Implementations must be thread-safe.
 */
public interface DedupeStore {
  /** Returns whether {@code consumerGroup} already handled the event {@code eventId}. */
  boolean contains(String consumerGroup, UUID eventId);

  /** Records that {@code consumerGroup} handled the event {@code eventId}. */
  void add(String consumerGroup, UUID eventId);

  /** A bounded in-memory store of the last 100,000 handled events. */
  static DedupeStore create() {
    return create(100_000);
  }

  /** A bounded in-memory store of the last {@code maxEntries} handled events. */
  static DedupeStore create(int maxEntries) {
    return new InMemoryDedupeStore(maxEntries);
  }

  /** A store that remembers nothing: every delivery is handled. */
  static DedupeStore none() {
    return NoDedupeStore.INSTANCE;
  }
}
