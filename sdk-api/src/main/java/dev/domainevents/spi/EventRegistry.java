package dev.domainevents.spi;

import dev.domainevents.EventType;
import java.util.List;

/**
 * The events and handlers of one compilation. The annotation processor generates exactly one
 * implementation per compilation, with its {@code META-INF/services} entry; {@link EventCatalog}
 * finds them with {@link java.util.ServiceLoader}, never by scanning the class path.
 */
public interface EventRegistry {
  /** Every event type raised by this compilation's entities. */
  List<EventType<?>> eventTypes();

  /**
   * Returns the generated dispatcher for {@code handler}, or {@code null} if the handler's class
   * was not compiled with this registry.
   */
  EventDispatcher dispatcherFor(Object handler);
}
