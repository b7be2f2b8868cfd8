package dev.domainevents.spi;

import dev.domainevents.EventType;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

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

  /**
   * Returns the {@code @Upcaster} that turns version {@code from} of {@code event} into version
   * {@code from + 1}, or {@code null} if this compilation has none.
   */
  default UnaryOperator<Map<String, Object>> upcaster(String event, int from) {
    return null;
  }
}
