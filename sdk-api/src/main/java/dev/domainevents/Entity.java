package dev.domainevents;

import dev.domainevents.spi.Envelopes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Base class of entities and aggregate roots that raise domain events.
 *
 * <p>A business method raises an event with {@link #domainEvent(String, Object)}, naming it {@code
 * EntityName:MethodName}. The event is buffered on the entity, in order, and shipped only when the
 * application commits its work with {@link DomainEvents#publish(Entity...)} or a {@link UnitOfWork}
 * (or stores it with an {@link EventBatch}); never in the middle of the business method.
 *
 * <pre>{@code
 * public final class Goods extends Entity {
 *   private final GoodsObj goods;
 *
 *   public void shopping(int amount) {
 *     // ... business rules ...
 *     domainEvent("Goods:Shopping", goods, Map.of("x-action", "buy"));
 *   }
 *
 *   @Override
 *   public String identity() {
 *     return String.valueOf(goods.id());
 *   }
 * }
 * }</pre>
 *
 * <p>The annotation processor checks every call at compile time: the name must be a literal (or a
 * generated constant) of the form {@code Goods:Shopping} where {@code shopping} is a method of the
 * class, and one name always carries one payload type.
 *
 * <p>Entities are not thread-safe, like most domain objects; raise and drain on one thread.
 */
public abstract class Entity {
  private List<EventEnvelope> pendingEvents;

  /** Creates an entity with no pending events. */
  protected Entity() {}

  /**
   * The aggregate id: it keys every event this entity raises, and so becomes the Kafka record key
   * that keeps this aggregate's events in order. It must be known when an event is raised.
   */
  public abstract String identity();

  /** Raises the event {@code name} (e.g. {@code "Goods:Shopping"}) carrying {@code payload}. */
  protected final void domainEvent(String name, Object payload) {
    domainEvent(name, payload, Map.of());
  }

  /**
   * Raises the event {@code name} carrying {@code payload} and the given headers.
   *
   * @throws IllegalArgumentException if {@code name} is not a legal event name, e.g. {@code
   *     "Goods:shopping"} (see {@link dev.domainevents.spi.EventNames}); nothing is raised
   */
  protected final void domainEvent(String name, Object payload, Map<String, String> headers) {
    Objects.requireNonNull(name, "name");
    add(Envelopes.event(name, requireIdentity(name), payload, headers));
  }

  /** Raises the event of a generated constant, e.g. {@code GoodsEvents.SHOPPING}. */
  protected final <T> void domainEvent(EventType<T> type, T payload) {
    domainEvent(type, payload, Map.of());
  }

  /** Raises the event of a generated constant with the given headers. */
  protected final <T> void domainEvent(EventType<T> type, T payload, Map<String, String> headers) {
    Objects.requireNonNull(type, "type");
    add(Envelopes.event(type, requireIdentity(type.name()), payload, headers));
  }

  /** The events raised and not yet drained, in raise order. Read-only. */
  public final List<EventEnvelope> pendingEvents() {
    return pendingEvents == null ? List.of() : Collections.unmodifiableList(pendingEvents);
  }

  /** The pending events themselves, for {@link EventBatch}; never modify the result. */
  final List<EventEnvelope> pending() {
    return pendingEvents == null ? List.of() : pendingEvents;
  }

  /**
   * Removes the first {@code count} pending events: an {@link EventBatch} took them. Events raised
   * since the batch was taken stay pending.
   */
  final void clearEvents(int count) {
    if (pendingEvents == null || count == 0) {
      return;
    }
    if (count >= pendingEvents.size()) {
      // Detached, not cleared: the batch may still hold this very list.
      pendingEvents = null;
    } else {
      pendingEvents = new ArrayList<>(pendingEvents.subList(count, pendingEvents.size()));
    }
  }

  private String requireIdentity(String name) {
    String aggregateId = identity();
    if (aggregateId == null) {
      throw new IllegalStateException(
          getClass().getSimpleName()
              + ".identity() returned null while raising \""
              + name
              + "\"; assign the entity's id before raising events");
    }
    return aggregateId;
  }

  /**
   * Called with each event as it is raised, before it is recorded; {@link EventSourcedEntity}
   * applies it here. If this throws, the event is not recorded.
   */
  void raised(EventEnvelope event) {}

  private void add(EventEnvelope event) {
    raised(event);
    if (pendingEvents == null) {
      pendingEvents = new ArrayList<>(2);
    }
    pendingEvents.add(event);
  }
}
