package dev.domainevents.spi;

import dev.domainevents.EventType;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Every event type known to the application: the union of the generated {@link EventRegistry}
 * implementations, found with {@link ServiceLoader}. Infrastructure looks up payload types and
 * topics here, and nowhere else: this is the allowlist for deserialization.
 *
 * <p>Loading a catalog reads each registry's {@link EventRegistry#entries() names and topics}; an
 * event's {@link EventType}, and with it its payload class, is loaded when the event is first
 * looked up with {@link #find} or {@link #require}.
 */
public final class EventCatalog {
  private final List<EventRegistry> registries;
  private final Map<String, Slot> byName;

  private EventCatalog(List<EventRegistry> registries) {
    this.registries = List.copyOf(registries);
    Map<String, Slot> slots = new LinkedHashMap<>();
    for (EventRegistry registry : this.registries) {
      List<EventRegistry.Entry> entries = registry.entries();
      for (int i = 0; i < entries.size(); i++) {
        Slot slot = new Slot(registry, i, entries.get(i));
        Slot other = slots.putIfAbsent(slot.name, slot);
        if (other != null) {
          EventType<?> first = other.type();
          EventType<?> second = slot.type();
          if (!first.equals(second)) {
            throw new IllegalStateException(
                "event \""
                    + slot.name
                    + "\" is registered twice, with payloads "
                    + first.payloadType().getName()
                    + " and "
                    + second.payloadType().getName()
                    + "; each event name must belong to one entity");
          }
        }
      }
    }
    this.byName = Collections.unmodifiableMap(slots);
  }

  /** Loads the registries visible to the thread's context class loader. */
  public static EventCatalog load() {
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    return load(loader == null ? EventCatalog.class.getClassLoader() : loader);
  }

  /** Loads the registries visible to {@code loader}. */
  public static EventCatalog load(ClassLoader loader) {
    List<EventRegistry> found = new ArrayList<>();
    for (EventRegistry registry : ServiceLoader.load(EventRegistry.class, loader)) {
      found.add(registry);
    }
    return new EventCatalog(found);
  }

  /** Returns a catalog of exactly the given registries. */
  public static EventCatalog of(EventRegistry... registries) {
    return new EventCatalog(List.of(registries));
  }

  /** Returns the event type named {@code name}, or {@code null} if none is registered. */
  public EventType<?> find(String name) {
    Slot slot = byName.get(name);
    return slot == null ? null : slot.type();
  }

  /** Returns the event type named {@code name}, or throws naming the likely cause. */
  public EventType<?> require(String name) {
    EventType<?> type = find(name);
    if (type == null) {
      throw new IllegalArgumentException(
          "unknown event \""
              + name
              + "\": no generated EventRegistry registers it. Is the entity compiled with"
              + " sdk-processor on the annotation processor path?");
    }
    return type;
  }

  /**
   * Returns the topic of the event named {@code name}, or {@code null} if none is registered,
   * without loading the event's type.
   */
  public String topicOf(String name) {
    Slot slot = byName.get(name);
    return slot == null ? null : slot.topic;
  }

  /** The names of every registered event, in registry order. */
  public Set<String> names() {
    return byName.keySet();
  }

  /** Every registered event type, in registry order; loads every payload class. */
  public Collection<EventType<?>> eventTypes() {
    List<EventType<?>> types = new ArrayList<>(byName.size());
    for (Slot slot : byName.values()) {
      types.add(slot.type());
    }
    return Collections.unmodifiableList(types);
  }

  /** The registries this catalog was built from. */
  public List<EventRegistry> registries() {
    return registries;
  }

  /**
   * Returns the upcaster from version {@code from} of {@code event} to {@code from + 1}, or {@code
   * null} if no registry has one.
   */
  public UnaryOperator<Map<String, Object>> upcaster(String event, int from) {
    for (EventRegistry registry : registries) {
      UnaryOperator<Map<String, Object>> upcaster = registry.upcaster(event, from);
      if (upcaster != null) {
        return upcaster;
      }
    }
    return null;
  }

  /**
   * Returns the generated dispatcher for {@code handler}. An {@link EventDispatcher} is returned as
   * it is.
   *
   * @throws IllegalArgumentException if no registry has a dispatcher for the handler's class
   */
  public EventDispatcher dispatcherFor(Object handler) {
    Objects.requireNonNull(handler, "handler");
    if (handler instanceof EventDispatcher dispatcher) {
      return dispatcher;
    }
    for (EventRegistry registry : registries) {
      EventDispatcher dispatcher = registry.dispatcherFor(handler);
      if (dispatcher != null) {
        return dispatcher;
      }
    }
    throw new IllegalArgumentException(
        "no generated dispatcher for "
            + handler.getClass().getName()
            + ": give it at least one @EventHandler method and compile it with sdk-processor on"
            + " the annotation processor path");
  }

  /** One listed event: where its type comes from, and the type once it was asked for. */
  private static final class Slot {
    final EventRegistry registry;
    final int index;
    final String name;
    final String topic;
    // Written at most once with the registry's constant, an immutable record: a racing second
    // read finds null and asks the registry again for the same constant.
    private EventType<?> type;

    Slot(EventRegistry registry, int index, EventRegistry.Entry entry) {
      this.registry = registry;
      this.index = index;
      this.name = entry.name();
      this.topic = entry.topic();
    }

    EventType<?> type() {
      EventType<?> found = type;
      return found != null ? found : load();
    }

    private EventType<?> load() {
      EventType<?> found = registry.eventType(index);
      if (!found.name().equals(name) || !found.topic().equals(topic)) {
        throw new IllegalStateException(
            registry.getClass().getName()
                + " lists \""
                + name
                + "\" on topic "
                + topic
                + " at "
                + index
                + " but has \""
                + found.name()
                + "\" on topic "
                + found.topic()
                + " there; rebuild it");
      }
      type = found;
      return found;
    }
  }
}
