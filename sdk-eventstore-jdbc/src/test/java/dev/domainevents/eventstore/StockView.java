package dev.domainevents.eventstore;

import dev.domainevents.EventContext;
import dev.domainevents.EventEnvelope;
import dev.domainevents.spi.EventDispatcher;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Map;
import java.util.Set;

/**
 * A read model of stock on hand per sku, in a table of its own, updated on the projection's
 * connection. Its dispatcher is written by hand, as sdk-processor would generate it, since this
 * module's tests do not run the processor.
 */
final class StockView {
  private final String table;

  StockView(String table) {
    this.table = table;
  }

  String table() {
    return table;
  }

  void onRestocked(Stock.Restocked event, EventEnvelope envelope) throws SQLException {
    add(envelope.aggregateId(), event.amount());
  }

  void onTaken(Stock.Taken event, EventEnvelope envelope) throws SQLException {
    add(envelope.aggregateId(), -event.amount());
  }

  private void add(String sku, int amount) throws SQLException {
    try (PreparedStatement update =
        Projection.connection()
            .prepareStatement("UPDATE " + table + " SET on_hand = on_hand + ? WHERE sku = ?")) {
      update.setInt(1, amount);
      update.setString(2, sku);
      if (update.executeUpdate() == 1) {
        return;
      }
    }
    try (PreparedStatement insert =
        Projection.connection()
            .prepareStatement("INSERT INTO " + table + " (sku, on_hand) VALUES (?, ?)")) {
      insert.setString(1, sku);
      insert.setInt(2, amount);
      insert.executeUpdate();
    }
  }

  /** What sdk-processor would generate for {@code @EventHandler} methods on the two events. */
  static final class Dispatcher implements EventDispatcher {
    private final StockView view;

    Dispatcher(StockView view) {
      this.view = view;
    }

    @Override
    public Set<String> events() {
      return Set.of("Stock:Restock", "Stock:Take");
    }

    @Override
    public Map<String, Class<?>> topics() {
      return Map.of();
    }

    @Override
    public boolean dispatch(EventContext context) throws Exception {
      switch (context.name()) {
        case "Stock:Restock" ->
            view.onRestocked((Stock.Restocked) context.envelope().payload(), context.envelope());
        case "Stock:Take" ->
            view.onTaken((Stock.Taken) context.envelope().payload(), context.envelope());
        default -> {
          return false;
        }
      }
      return true;
    }
  }
}
