package dev.domainevents.eventstore;

import dev.domainevents.EventType;
import dev.domainevents.Upcaster;
import dev.domainevents.spi.EventCatalog;
import dev.domainevents.spi.EventDispatcher;
import dev.domainevents.spi.EventRegistry;
import dev.domainevents.spi.Topics;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * {@link Goods}' event at schema version 2: {@code amount} became {@code quantity}. Its registry is
 * written by hand as the generated one would list the {@code @Upcaster}, since this module's tests
 * do not run the annotation processor.
 */
final class GoodsV2 {
  static final EventType<Sold> SELL =
      EventType.of("Goods:Sell", Sold.class, Topics.defaultTopic("Goods:Sell"), 2);

  /** What {@code Goods:Sell} carries from version 2 on. */
  record Sold(String sku, int quantity) {}

  private GoodsV2() {}

  @Upcaster(event = "Goods:Sell", from = 1)
  static Map<String, Object> amountBecomesQuantity(Map<String, Object> v1) {
    v1.put("quantity", v1.remove("amount"));
    return v1;
  }

  /** The catalog of code at version 2, with its upcaster from version 1. */
  static final EventCatalog CATALOG = catalog(true);

  /** The same code with its upcaster forgotten. */
  static final EventCatalog WITHOUT_UPCASTER = catalog(false);

  private static EventCatalog catalog(boolean withUpcaster) {
    return EventCatalog.of(
        new EventRegistry() {
          @Override
          public List<EventType<?>> eventTypes() {
            return List.of(SELL);
          }

          @Override
          public EventDispatcher dispatcherFor(Object handler) {
            return null;
          }

          @Override
          public UnaryOperator<Map<String, Object>> upcaster(String event, int from) {
            return withUpcaster && event.equals(SELL.name()) && from == 1
                ? GoodsV2::amountBecomesQuantity
                : null;
          }
        });
  }
}
