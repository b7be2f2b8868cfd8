package dev.domainevents;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Base class of entities and aggregate roots that raise domain events.
 *
 * <p>A business method raises an event with {@link #domainEvent(String, Object)}, naming it
 * {@code EntityName:MethodName}. The event is buffered on the entity, in order, and shipped only
 * when the application commits its work with {@link DomainEvents#publish(Entity...)} or a {@link
 * UnitOfWork}; never in the middle of the business method.
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
    raise(name, payload, Map.of(), 1);
  }

  /** Raises the event {@code name} carrying {@code payload} and the given headers. */
  protected final void domainEvent(String name, Object payload, Map<String, String> headers) {
    raise(name, payload, headers, 1);
  }

  /** Raises the event of a generated constant, e.g. {@code GoodsEvents.SHOPPING}. */
  protected final <T> void domainEvent(EventType<T> type, T payload) {
    raise(type.name(), payload, Map.of(), type.schemaVersion());
  }

  /** Raises the event of a generated constant with the given headers. */
  protected final <T> void domainEvent(
      EventType<T> type, T payload, Map<String, String> headers) {
    raise(type.name(), payload, headers, type.schemaVersion());
  }

  /** The events raised and not yet drained, in raise order. Read-only. */
  public final List<EventEnvelope> pendingEvents() {
    return pendingEvents == null ? List.of() : Collections.unmodifiableList(pendingEvents);
  }

  /** Removes and returns the pending events; the runtime calls this when work is committed. */
  final List<EventEnvelope> drainEvents() {
    if (pendingEvents == null || pendingEvents.isEmpty()) {
      return List.of();
    }
    List<EventEnvelope> drained = pendingEvents;
    pendingEvents = null;
    return drained;
  }

  private void raise(String name, Object payload, Map<String, String> headers, int version) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(payload, "payload");
    Objects.requireNonNull(headers, "headers");
    int colon = name.indexOf(':');
    if (colon <= 0 || colon == name.length() - 1) {
      throw new IllegalArgumentException(
          "event name \"" + name + "\" must have the form Entity:Method, e.g. Goods:Shopping");
    }
    String aggregateId = identity();
    if (aggregateId == null) {
      throw new IllegalStateException(
          getClass().getSimpleName() + ".identity() returned null while raising \"" + name
              + "\"; assign the entity's id before raising events");
    }

    var eventId = EventIds.next();
    String correlationId;
    String causationId;
    EventScope scope = EventScope.current();
    if (scope == null) {
      correlationId = eventId.toString();
      causationId = null;
    } else {
      correlationId = scope.correlationId();
      causationId = scope.causationId();
      String traceparent = scope.traceparent();
      if (traceparent != null && !headers.containsKey(EventScope.TRACEPARENT)) {
        Map<String, String> withTrace = new HashMap<>(headers);
        withTrace.put(EventScope.TRACEPARENT, traceparent);
        headers = withTrace;
      }
    }
    if (pendingEvents == null) {
      pendingEvents = new ArrayList<>(2);
    }
    pendingEvents.add(
        new EventEnvelope(
            eventId,
            name,
            name.substring(0, colon),
            aggregateId,
            payload,
            headers,
            Instant.ofEpochMilli(EventIds.timestampMillis(eventId)),
            correlationId,
            causationId,
            version));
  }
}
