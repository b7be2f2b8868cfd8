package dev.domainevents.eventstore;

import dev.domainevents.EventSourcedEntity;

/**
 * How an aggregate type is snapshotted: its state as a value the store's codec writes as JSON, and
 * the schema version of that value. Bump {@link #schemaVersion()} whenever the state's shape
 * changes: snapshots of another version are ignored and the stream is replayed instead, so an old
 * snapshot is never misread. See {@link EventSourcedRepository#withSnapshots}.
 *
 * @param <A> the aggregate type
 * @param <S> the state type, e.g. a record
 */
public interface Snapshots<A extends EventSourcedEntity, S> {
  /** The state's class, to decode snapshots with. */
  Class<S> stateType();

  /** The version of the state's shape, at least 1. */
  int schemaVersion();

  /** The aggregate's state, with every event it has applied. */
  S capture(A aggregate);

  /** A new aggregate {@code id} holding {@code state}; the repository then replays later events. */
  A restore(String id, S state);
}
