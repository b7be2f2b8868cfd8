package dev.domainevents;

import dev.domainevents.spi.EventCatalog;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * The pending events of some entities, taken together: the one way events leave entities, for
 * {@link DomainEvents#publish}, {@link UnitOfWork} and the outboxes alike. Use it to store events
 * yourself, e.g. in an outbox table of your own:
 *
 * <pre>{@code
 * EventBatch batch = EventBatch.of(catalog, goods, order);
 * insertIntoOutbox(connection, batch.events());  // throws: the entities keep their events
 * batch.clear();                                 // stored: the entities let them go
 * }</pre>
 *
 * <p>A batch merges the entities' events in raise order (event ids increase in raise order within a
 * JVM), takes an entity passed twice once, and stamps each event with the schema version that
 * {@code catalog} registers for it. Taking a batch changes nothing: the entities keep their events
 * until {@link #clear()} says the batch is stored or published. Events raised after the batch was
 * taken stay pending. Take one batch of an entity at a time; not thread-safe, like entities.
 */
public final class EventBatch {
  private static final Comparator<EventEnvelope> RAISE_ORDER =
      Comparator.comparing(EventEnvelope::eventId);

  private final Entity[] entities;
  private final int[] counts;
  private final List<EventEnvelope> events;
  private boolean cleared;

  private EventBatch(Entity[] entities, int[] counts, List<EventEnvelope> events) {
    this.entities = entities;
    this.counts = counts;
    this.events = events;
  }

  /**
   * Takes the pending events of {@code entities}.
   *
   * @param catalog the registered schema versions to stamp, or {@code null} to keep the versions
   *     the events were raised with
   */
  public static EventBatch of(EventCatalog catalog, Entity... entities) {
    Objects.requireNonNull(entities, "entities");
    Entity[] distinct = distinct(entities);
    // The caller's array may change after the batch is taken.
    return take(catalog, distinct == entities ? entities.clone() : distinct);
  }

  /**
   * Takes the pending events of the entities {@code work} tracks; see {@link #of(EventCatalog,
   * Entity...)}.
   */
  public static EventBatch of(EventCatalog catalog, UnitOfWork work) {
    Objects.requireNonNull(work, "work");
    return take(catalog, work.entities().toArray(new Entity[0]));
  }

  /** The events, merged in raise order and versioned. Unmodifiable. */
  public List<EventEnvelope> events() {
    return events;
  }

  /** Returns whether the entities had no pending events. */
  public boolean isEmpty() {
    return events.isEmpty();
  }

  /**
   * Removes this batch's events from the entities: call it once the events are stored or handed to
   * the infra. Calling it again has no further effect.
   */
  public void clear() {
    if (cleared) {
      return;
    }
    cleared = true;
    for (int i = 0; i < entities.length; i++) {
      entities[i].clearEvents(counts[i]);
    }
  }

  private static EventBatch take(EventCatalog catalog, Entity[] entities) {
    int[] counts = new int[entities.length];
    for (int i = 0; i < entities.length; i++) {
      counts[i] = entities[i].pending().size();
    }
    // A snapshot: the entities may raise more before the batch is cleared.
    List<EventEnvelope> events =
        entities.length == 1
            ? List.copyOf(versioned(catalog, entities[0].pending()))
            : Collections.unmodifiableList(versioned(catalog, merged(entities)));
    return new EventBatch(entities, counts, events);
  }

  /**
   * Takes the entities' events and clears them at once, for publishing, where they are handed over
   * right away: like {@code of(catalog, entities).clear()} but without a batch, a snapshot or a
   * copy of the entities, since publish is the hot path.
   */
  static List<EventEnvelope> drain(EventCatalog catalog, Entity... entities) {
    Objects.requireNonNull(entities, "entities");
    if (entities.length == 1) {
      return drain(catalog, entities[0]);
    }
    Entity[] distinct = distinct(entities);
    List<EventEnvelope> merged = merged(distinct);
    for (Entity entity : distinct) {
      entity.clearEvents(entity.pending().size());
    }
    return versioned(catalog, merged);
  }

  /** {@link #drain(EventCatalog, Entity...)} of one entity; small, so that publish inlines it. */
  static List<EventEnvelope> drain(EventCatalog catalog, Entity entity) {
    Objects.requireNonNull(entity, "entity");
    List<EventEnvelope> pending = entity.pending();
    entity.clearEvents(pending.size()); // detaches the list: it is ours now
    return versioned(catalog, pending);
  }

  /** The entities' pending events in raise order: event ids increase in raise order in a JVM. */
  private static List<EventEnvelope> merged(Entity[] entities) {
    int total = 0;
    for (Entity entity : entities) {
      total += entity.pending().size();
    }
    List<EventEnvelope> merged = new ArrayList<>(total);
    for (Entity entity : entities) {
      merged.addAll(entity.pending());
    }
    merged.sort(RAISE_ORDER);
    return merged;
  }

  /**
   * Returns {@code events} with the catalog's schema versions: the same list when no version
   * differs, which is the usual case, else a copy. An event raised through its registered type
   * already has its version; a plain message has no registered type.
   */
  private static List<EventEnvelope> versioned(EventCatalog catalog, List<EventEnvelope> events) {
    if (catalog == null) {
      return events;
    }
    List<EventEnvelope> versioned = null;
    for (int i = 0; i < events.size(); i++) {
      EventEnvelope event = events.get(i);
      if (event.type() != null || event.aggregateType().isEmpty()) {
        continue;
      }
      EventType<?> type = catalog.find(event.name());
      if (type != null && type.schemaVersion() != event.schemaVersion()) {
        if (versioned == null) {
          versioned = new ArrayList<>(events);
        }
        versioned.set(i, event.withType(type));
      }
    }
    return versioned == null ? events : versioned;
  }

  /** {@code entities} without repeats (by identity), usually the array itself. */
  private static Entity[] distinct(Entity[] entities) {
    for (int i = 0; i < entities.length; i++) {
      Objects.requireNonNull(entities[i], "entity");
      for (int j = 0; j < i; j++) {
        if (entities[j] == entities[i]) {
          return withoutRepeats(entities);
        }
      }
    }
    return entities;
  }

  private static Entity[] withoutRepeats(Entity[] entities) {
    List<Entity> distinct = new ArrayList<>(entities.length);
    for (Entity entity : entities) {
      if (distinct.stream().noneMatch(seen -> seen == entity)) {
        distinct.add(entity);
      }
    }
    return distinct.toArray(new Entity[0]);
  }
}
