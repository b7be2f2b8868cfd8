package dev.domainevents.eventstore;

import dev.domainevents.EventSourcedEntity;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads event-sourced aggregates of one type by replaying their streams, and saves them by
 * appending their new events at the version they were loaded at.
 *
 * <pre>{@code
 * EventSourcedRepository<Goods> goods = EventSourcedRepository.create(store, Goods.class, Goods::new);
 * Retry.onConflict(3, () -> inTransaction(connection -> {
 *   Goods item = goods.load(connection, "sku-1").orElseGet(() -> new Goods("sku-1"));
 *   item.sell(2);
 *   goods.save(connection, item);   // ConcurrencyConflictException if another save came first
 *   return null;
 * }));
 * }</pre>
 *
 * <p>Both run in the caller's transaction, on the caller's connection. Immutable and thread-safe.
 *
 * @param <A> the aggregate type
 */
public final class EventSourcedRepository<A extends EventSourcedEntity> {
  private static final Logger log = LoggerFactory.getLogger(EventSourcedRepository.class);

  private final JdbcEventStore store;
  private final String aggregateType;
  private final Function<String, A> factory;
  private final int snapshotEvery;
  private final Snapshots<A, ?> snapshots;

  private EventSourcedRepository(
      JdbcEventStore store,
      String aggregateType,
      Function<String, A> factory,
      int snapshotEvery,
      Snapshots<A, ?> snapshots) {
    this.store = store;
    this.aggregateType = aggregateType;
    this.factory = factory;
    this.snapshotEvery = snapshotEvery;
    this.snapshots = snapshots;
  }

  /**
   * Returns a repository of {@code type}, whose empty instances {@code factory} makes from an
   * identity before their events are replayed.
   */
  public static <A extends EventSourcedEntity> EventSourcedRepository<A> create(
      JdbcEventStore store, Class<A> type, Function<String, A> factory) {
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(factory, "factory");
    return new EventSourcedRepository<>(store, type.getSimpleName(), factory, 0, null);
  }

  /**
   * Returns this repository writing a snapshot, in the save's transaction, each time a save takes
   * the stream past a multiple of {@code every} events; {@link #load} then restores the latest
   * snapshot of the current {@link Snapshots#schemaVersion()} and replays only the events after it.
   */
  public EventSourcedRepository<A> withSnapshots(int every, Snapshots<A, ?> snapshots) {
    Objects.requireNonNull(snapshots, "snapshots");
    if (every < 1) {
      throw new IllegalArgumentException("every must be >= 1, was " + every);
    }
    if (snapshots.schemaVersion() < 1) {
      throw new IllegalArgumentException(
          "the snapshot schema version must be >= 1, was " + snapshots.schemaVersion());
    }
    return new EventSourcedRepository<>(store, aggregateType, factory, every, snapshots);
  }

  /**
   * Returns the aggregate {@code id} rebuilt from its stream, or empty if it has no events.
   *
   * @throws IllegalStateException if a stored event cannot be decoded or applied
   */
  public Optional<A> load(Connection connection, String id) throws SQLException {
    Objects.requireNonNull(id, "id");
    StreamId stream = new StreamId(aggregateType, id);
    A aggregate = snapshots == null ? null : restore(connection, stream, snapshots);
    long after = aggregate == null ? 0 : aggregate.version();
    List<RecordedEvent> events = store.load(connection, stream, after);
    if (aggregate == null) {
      if (events.isEmpty()) {
        return Optional.empty();
      }
      aggregate = Objects.requireNonNull(factory.apply(id), "the factory returned null");
    }
    for (RecordedEvent event : events) {
      aggregate.replay(event.envelope());
    }
    return Optional.of(aggregate);
  }

  /**
   * Appends the aggregate's new events at the version it was loaded at, in the caller's
   * transaction, and clears them from the aggregate.
   *
   * @return the stream's version after the append
   * @throws ConcurrencyConflictException if another save of the aggregate came first; roll back,
   *     load again and retry, e.g. with {@link Retry#onConflict}
   */
  public long save(Connection connection, A aggregate) throws SQLException {
    Objects.requireNonNull(aggregate, "aggregate");
    long expected = aggregate.version() - aggregate.pendingEvents().size();
    long version = store.append(connection, aggregate, expected);
    if (snapshots != null && version / snapshotEvery > expected / snapshotEvery) {
      writeSnapshot(connection, aggregate, version, snapshots);
    }
    return version;
  }

  /**
   * The aggregate restored from its snapshot, or {@code null} when there is none of the current
   * schema version, or it does not decode: then the whole stream is replayed, which is always
   * right, only slower.
   */
  private <S> A restore(Connection connection, StreamId stream, Snapshots<A, S> snapshots)
      throws SQLException {
    SnapshotRows.Stored stored = SnapshotRows.find(connection, stream);
    if (stored == null) {
      return null;
    }
    if (stored.schemaVersion() != snapshots.schemaVersion()) {
      log.debug(
          "Ignoring the snapshot of {} at version {}: schema {}, not {}",
          stream,
          stored.streamVersion(),
          stored.schemaVersion(),
          snapshots.schemaVersion());
      return null;
    }
    S state;
    try {
      state = stored.decode(store.codec(), snapshots.stateType());
    } catch (RuntimeException e) {
      log.warn("Ignoring the undecodable snapshot of {}: {}", stream, e.getMessage());
      return null;
    }
    A aggregate =
        Objects.requireNonNull(
            snapshots.restore(stream.aggregateId(), state), "Snapshots.restore returned null");
    aggregate.restoredAt(stored.streamVersion());
    return aggregate;
  }

  private <S> void writeSnapshot(
      Connection connection, A aggregate, long version, Snapshots<A, S> snapshots)
      throws SQLException {
    S state =
        Objects.requireNonNull(snapshots.capture(aggregate), "Snapshots.capture returned null");
    byte[] json = store.codec().encode(state);
    SnapshotRows.save(
        connection,
        new StreamId(aggregateType, aggregate.identity()),
        version,
        snapshots.schemaVersion(),
        new String(json, StandardCharsets.UTF_8));
  }
}
