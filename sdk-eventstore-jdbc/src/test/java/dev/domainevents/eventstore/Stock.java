package dev.domainevents.eventstore;

import dev.domainevents.Apply;
import dev.domainevents.EventEnvelope;
import dev.domainevents.EventSourcedEntity;
import dev.domainevents.EventType;
import dev.domainevents.spi.EventCatalog;
import dev.domainevents.spi.EventDispatcher;
import dev.domainevents.spi.EventRegistry;
import java.util.List;

/**
 * An event-sourced test aggregate. Its {@link #apply} is written by hand here, as the generated
 * applier would be, since this module's tests do not run the annotation processor.
 */
final class Stock extends EventSourcedEntity {
  static final EventType<Restocked> RESTOCK = EventType.of("Stock:Restock", Restocked.class);
  static final EventType<Taken> TAKE = EventType.of("Stock:Take", Taken.class);

  record Restocked(int amount) {}

  record Taken(int amount) {}

  static final EventCatalog CATALOG =
      EventCatalog.of(
          new EventRegistry() {
            @Override
            public List<EventType<?>> eventTypes() {
              return List.of(RESTOCK, TAKE);
            }

            @Override
            public EventDispatcher dispatcherFor(Object handler) {
              return handler instanceof StockView view ? new StockView.Dispatcher(view) : null;
            }
          });

  private final String sku;
  private int onHand;

  Stock(String sku) {
    this.sku = sku;
  }

  /** A stock restored from a snapshot holding {@code onHand}. */
  static Stock restored(String sku, int onHand) {
    Stock stock = new Stock(sku);
    stock.onHand = onHand;
    return stock;
  }

  void restock(int amount) {
    domainEvent(RESTOCK, new Restocked(amount));
  }

  void take(int amount) {
    if (amount > onHand) {
      throw new IllegalStateException("only " + onHand + " on hand");
    }
    domainEvent(TAKE, new Taken(amount));
  }

  int onHand() {
    return onHand;
  }

  @Apply
  void onRestocked(Restocked event) {
    onHand += event.amount();
  }

  @Apply
  void onTaken(Taken event) {
    onHand -= event.amount();
  }

  @Override
  protected void apply(EventEnvelope event) {
    switch (event.name()) {
      case "Stock:Restock" -> onRestocked((Restocked) event.payload());
      case "Stock:Take" -> onTaken((Taken) event.payload());
      default -> throw new IllegalArgumentException("Stock cannot apply " + event.name());
    }
  }

  @Override
  public String identity() {
    return sku;
  }
}
