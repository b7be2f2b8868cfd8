package dev.domainevents.eventstore;

import dev.domainevents.EventSourcedEntity;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

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
  private final JdbcEventStore store;
  private final String aggregateType;
  private final Function<String, A> factory;

  private EventSourcedRepository(
      JdbcEventStore store, String aggregateType, Function<String, A> factory) {
    this.store = store;
    this.aggregateType = aggregateType;
    this.factory = factory;
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
    return new EventSourcedRepository<>(store, type.getSimpleName(), factory);
  }

  /**
   * Returns the aggregate {@code id} rebuilt from its stream, or empty if it has no events.
   *
   * @throws IllegalStateException if a stored event cannot be decoded or applied
   */
  public Optional<A> load(Connection connection, String id) throws SQLException {
    Objects.requireNonNull(id, "id");
    List<RecordedEvent> events = store.load(connection, new StreamId(aggregateType, id), 0);
    if (events.isEmpty()) {
      return Optional.empty();
    }
    A aggregate = Objects.requireNonNull(factory.apply(id), "the factory returned null");
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
    return store.append(connection, aggregate, expected);
  }
}
