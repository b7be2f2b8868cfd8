package dev.domainevents.outbox;

import dev.domainevents.Entity;
import dev.domainevents.EventType;
import dev.domainevents.spi.EventCatalog;
import dev.domainevents.spi.EventDispatcher;
import dev.domainevents.spi.EventRegistry;
import java.util.List;
import java.util.Map;

/** A test aggregate whose {@code sell} raises {@code Goods:Sell} with a per-aggregate sequence. */
final class Goods extends Entity {
  static final EventType<Sold> SELL = EventType.of("Goods:Sell", Sold.class);

  /** What {@code Goods:Sell} carries; {@code seq} counts this aggregate's events from 1. */
  record Sold(String sku, int seq) {}

  /** The catalog of the test events: the allowlist the relay decodes with. */
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
  private int sold;

  Goods(String sku) {
    this.sku = sku;
  }

  void sell() {
    domainEvent(SELL, new Sold(sku, ++sold), Map.of("x-action", "buy=now"));
  }

  @Override
  public String identity() {
    return sku;
  }
}
