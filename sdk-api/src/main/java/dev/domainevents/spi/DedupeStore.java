package dev.domainevents.spi;

import dev.domainevents.EventContext;
import java.util.UUID;

/**
 * Remembers which events a consumer group has handled, so that a redelivered event (the same event
 * id) is skipped. Brokers deliver at least once: after a crash or a rebalance, records handled but
 * not yet committed are delivered again.
 *
 * <p>Infrastructure calls {@link #handleOnce} for every delivery. The default implementation asks
 * {@link #contains} first and calls {@link #add} only after the handling succeeded, so a crash in
 * between causes a redelivery, never a loss, but may repeat the handler's effect. A store that
 * overrides {@code handleOnce} controls the handling itself: a JDBC store writes its "seen" row in
 * the handler's own transaction, so the effect and the row commit together or not at all.
 *
 * <p>The default, {@link #create()}, is a bounded in-memory store. Its limits:
 *
 * <ul>
 *   <li>it lives in one process: it is empty after a restart, and two instances of a service do not
 *       see each other's entries, so a redelivery to another instance (after a rebalance) is not
 *       detected;
 *   <li>it holds at most {@code maxEntries} ids and forgets the oldest handled first, so a
 *       duplicate that arrives after that many newer events is not detected.
 * </ul>
 *
 * <p>For effects once across restarts and instances, use a shared store ({@code sdk-dedupe-jdbc}'s
 * {@code JdbcDedupeStore}, or {@code sdk-dedupe-redis}'s {@code RedisDedupeStore}). Implementations
 * must be thread-safe.
 */
public interface DedupeStore {
  /** Returns whether {@code consumerGroup} already handled the event {@code eventId}. */
  boolean contains(String consumerGroup, UUID eventId);

  /** Records that {@code consumerGroup} handled the event {@code eventId}. */
  void add(String consumerGroup, UUID eventId);

  /**
   * Runs {@code handling} for {@code context}'s event unless {@code consumerGroup} already handled
   * it, and records it as handled if {@code handling} returns normally.
   *
   * <p>Contract for implementations: whatever {@code handling} throws is rethrown unchanged (the
   * caller tells a handler failure from a store failure by identity), and the event is then not
   * recorded, so a retry runs the handler again. Any other exception is a failure of the store: the
   * caller keeps the event unacknowledged and tries again later.
   *
   * @return {@code true} if {@code handling} ran and succeeded, {@code false} if the event was a
   *     duplicate and {@code handling} did not run
   * @throws Exception what {@code handling} threw, or a failure of the store
   */
  default boolean handleOnce(String consumerGroup, EventContext context, Handling handling)
      throws Exception {
    if (contains(consumerGroup, context.eventId())) {
      return false;
    }
    handling.handle(context);
    add(consumerGroup, context.eventId());
    return true;
  }

  /**
   * The work {@link #handleOnce} guards: the infra's call into the handlers. A store may pass a
   * different context, e.g. one that carries its transaction, with the same envelope and attempt.
   */
  @FunctionalInterface
  interface Handling {
    /** Handles {@code context}'s event. */
    void handle(EventContext context) throws Exception;
  }

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
