package dev.domainevents.opentelemetry;

import dev.domainevents.Entity;
import dev.domainevents.EventType;
import dev.domainevents.spi.EventCatalog;
import dev.domainevents.spi.EventDispatcher;
import dev.domainevents.spi.EventRegistry;
import java.util.List;
import java.util.Map;

/**
 * A test aggregate, shaped like the ones sdk-processor reads: shipping a parcel raises {@code
 * Parcel:Shipped}, labelling it {@code Parcel:Labelled}.
 */
final class Parcel extends Entity {
  /** What {@code Parcel:Shipped} carries. */
  record Shipped(String box) {}

  /** What {@code Parcel:Labelled} carries. */
  record Labelled(String label) {}

  private final String id;

  Parcel(String id) {
    this.id = id;
  }

  void ship(EventType<Shipped> type, String box) {
    domainEvent(type, new Shipped(box), Map.of());
  }

  void label(EventType<Labelled> type, String label) {
    domainEvent(type, new Labelled(label), Map.of());
  }

  @Override
  public String identity() {
    return id;
  }

  /**
   * A catalog of {@code types}, like a generated registry's; handlers are passed as dispatchers.
   */
  static EventCatalog catalog(List<EventType<?>> types) {
    return EventCatalog.of(
        new EventRegistry() {
          @Override
          public List<EventType<?>> eventTypes() {
            return types;
          }

          @Override
          public EventDispatcher dispatcherFor(Object handler) {
            return null;
          }
        });
  }
}
