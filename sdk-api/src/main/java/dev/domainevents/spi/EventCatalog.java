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
import java.util.function.UnaryOperator;

/**
 * Every event type known to the application: the union of the generated {@link EventRegistry}
 * implementations, found with {@link ServiceLoader}. Infrastructure looks up payload types and
 * topics here, and nowhere else: this is the allowlist for deserialization.
 */
public final class EventCatalog {
  private final List<EventRegistry> registries;
  private final Map<String, EventType<?>> byName;

  private EventCatalog(List<EventRegistry> registries) {
    this.registries = List.copyOf(registries);
    Map<String, EventType<?>> types = new LinkedHashMap<>();
    for (EventRegistry registry : this.registries) {
      for (EventType<?> type : registry.eventTypes()) {
        EventType<?> other = types.putIfAbsent(type.name(), type);
        if (other != null && !other.equals(type)) {
          throw new IllegalStateException(
              "event \""
                  + type.name()
                  + "\" is registered twice, with payloads "
                  + other.payloadType().getName()
                  + " and "
                  + type.payloadType().getName()
                  + "; each event name must belong to one entity");
        }
      }
    }
    this.byName = Collections.unmodifiableMap(types);
  }

  /** Loads the registries visible to the thread's context class loader. */
  public static EventCatalog load() {
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    return load(loader == null ? EventCatalog.class.getClassLoader() : loader);
  }

  /** Loads the registries visible to {@code loader}. */
  public static EventCatalog load(ClassLoader loader) {
    List<EventRegistry> found = new ArrayList<>();
    ServiceLoader.load(EventRegistry.class, loader).forEach(found::add);
    return new EventCatalog(found);
  }

  /** Returns a catalog of exactly the given registries. */
  public static EventCatalog of(EventRegistry... registries) {
    return new EventCatalog(List.of(registries));
  }

  /** Returns the event type named {@code name}, or {@code null} if none is registered. */
  public EventType<?> find(String name) {
    return byName.get(name);
  }

  /** Returns the event type named {@code name}, or throws naming the likely cause. */
  public EventType<?> require(String name) {
    EventType<?> type = byName.get(name);
    if (type == null) {
      throw new IllegalArgumentException(
          "unknown event \""
              + name
              + "\": no generated EventRegistry registers it. Is the entity compiled with"
              + " sdk-processor on the annotation processor path?");
    }
    return type;
  }

  /** Every registered event type, in registry order. */
  public Collection<EventType<?>> eventTypes() {
    return byName.values();
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
}
