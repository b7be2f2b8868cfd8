package dev.domainevents.spi;

import dev.domainevents.EventType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * The events and handlers of one compilation. The annotation processor generates one implementation
 * per compilation (and a second, {@code <Registry>_Late}, only for entities and handlers that
 * another annotation processor generates in the registry's own round), listed in {@code
 * META-INF/services}; {@link EventCatalog} finds them with {@link java.util.ServiceLoader}, never
 * by scanning the class path.
 */
public interface EventRegistry {
  /** Every event type raised by this compilation's entities. */
  List<EventType<?>> eventTypes();

  /**
   * The name and topic of each of {@link #eventTypes()}, in the same order, known without loading
   * any payload class. {@link EventCatalog} indexes these when it is loaded and asks {@link
   * #eventType} for a type only when the event is first used, so that an application loads the
   * constants and payload classes of the events it publishes or receives, not those of every event.
   * The generated registry lists them as literals; this default reads {@link #eventTypes()}.
   */
  default List<Entry> entries() {
    List<EventType<?>> types = eventTypes();
    List<Entry> entries = new ArrayList<>(types.size());
    for (EventType<?> type : types) {
      entries.add(new Entry(type.name(), type.topic()));
    }
    return entries;
  }

  /**
   * Returns {@code eventTypes().get(index)}. The generated registry initialises only that event's
   * constants class.
   *
   * @throws IndexOutOfBoundsException if {@code index} is not an index of {@link #entries()}
   */
  default EventType<?> eventType(int index) {
    return eventTypes().get(index);
  }

  /**
   * Returns the generated dispatcher for {@code handler}, or {@code null} if the handler's class
   * was not compiled with this registry. The generated registry returns a {@link
   * DeferredDispatcher} for a public handler class without plain topics, which loads the generated
   * dispatcher on its first dispatch.
   */
  EventDispatcher dispatcherFor(Object handler);

  /**
   * Makes the dispatcher that a {@link DeferredDispatcher} this registry returned from {@link
   * #dispatcherFor} stands for, on its first dispatch. The generated registry switches over {@code
   * index}; a registry that returns no deferred dispatcher keeps this default.
   *
   * @throws IndexOutOfBoundsException if this registry deferred no dispatcher numbered {@code
   *     index}
   */
  default EventDispatcher newDispatcher(int index, Object handler) {
    throw new IndexOutOfBoundsException(index);
  }

  /**
   * Returns the {@code @Upcaster} that turns version {@code from} of {@code event} into version
   * {@code from + 1}, or {@code null} if this compilation has none.
   */
  default UnaryOperator<Map<String, Object>> upcaster(String event, int from) {
    return null;
  }

  /**
   * An event's name and topic, as a registry lists them before its type is loaded.
   *
   * @param name the event name, {@code Entity:Action}
   * @param topic the topic the event is published to
   */
  record Entry(String name, String topic) {
    /** Checks that both are present. */
    public Entry {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(topic, "topic");
    }
  }
}
