package dev.domainevents.sample.shop;

import dev.domainevents.EventHandler;
import dev.domainevents.eventstore.Projection;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The store's read model in the event-sourced mode: the stock of each goods in the {@code
 * store_stock} table, kept by a {@link Projection} of the event store's global log. The processor
 * generates {@code StockView_EventDispatcher}, which calls {@link #onShopping} directly.
 */
public final class StockView {
  private final int firstGoods;
  private final int lastGoods;
  private final int initialStock;

  StockView(int firstGoods, int lastGoods, int initialStock) {
    this.firstGoods = firstGoods;
    this.lastGoods = lastGoods;
    this.initialStock = initialStock;
  }

  @EventHandler("Goods:Shopping")
  void onShopping(GoodsObj goods) throws SQLException {
    // On the projection's connection: the update commits with the projection's position.
    try (PreparedStatement update =
        Projection.connection()
            .prepareStatement("UPDATE store_stock SET stock = stock - ? WHERE goods_id = ?")) {
      update.setInt(1, goods.amount());
      update.setInt(2, goods.goodsId());
      update.executeUpdate();
    }
  }

  /** Creates the table if it is missing. */
  static void createTable(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute(
          "CREATE TABLE IF NOT EXISTS store_stock (goods_id INT PRIMARY KEY, stock INT NOT NULL)");
    }
  }

  /** Empties the read model to the stock before any event: the projection's rebuild. */
  void reset(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.executeUpdate("DELETE FROM store_stock");
    }
    try (PreparedStatement insert =
        connection.prepareStatement("INSERT INTO store_stock (goods_id, stock) VALUES (?, ?)")) {
      for (int id = firstGoods; id <= lastGoods; id++) {
        insert.setInt(1, id);
        insert.setInt(2, initialStock);
        insert.addBatch();
      }
      insert.executeBatch();
    }
  }
}
