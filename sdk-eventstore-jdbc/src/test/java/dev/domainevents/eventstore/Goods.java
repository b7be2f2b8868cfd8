package dev.domainevents.eventstore;

import dev.domainevents.Entity;
import dev.domainevents.EventType;
import dev.domainevents.spi.EventCatalog;
import dev.domainevents.spi.EventDispatcher;
import dev.domainevents.spi.EventRegistry;
import java.util.List;
import java.util.Map;

/** A test aggregate whose {@code sell} raises {@code Goods:Sell}. */
final class Goods extends Entity {
  static final EventType<Sold> SELL = EventType.of("Goods:Sell", Sold.class);

  /** What {@code Goods:Sell} carries. */
  record Sold(String sku, int amount) {}

  /** The catalog of the test events: the allowlist the store decodes with. */
  static final EventCatalog CATALOG =
      EventCatalog.of(
          new EventRegistry() {
            @Override
            public List<EventType<?>> eventTypes() {
              return List.of(SELL);
            }

            @Override
            public EventDispatcher dispatcherFor(Object handler) {
              return null;
            }
          });

  private final String sku;

  Goods(String sku) {
    this.sku = sku;
  }

  void sell(int amount) {
    domainEvent(SELL, new Sold(sku, amount), Map.of("x-action", "buy=now"));
  }

  @Override
  public String identity() {
    return sku;
  }
}
