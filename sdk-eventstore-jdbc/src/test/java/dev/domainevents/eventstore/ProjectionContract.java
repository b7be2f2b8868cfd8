package dev.domainevents.eventstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.domainevents.Delivery;
import dev.domainevents.EventInterceptor;
import dev.domainevents.EventInterceptors;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Projections over the global log, on each database. */
abstract class ProjectionContract {
  abstract TestDatabase database();

  JdbcEventStore store;
  EventSourcedRepository<Stock> stocks;

  @BeforeEach
  void emptyStoreAndViews() throws SQLException {
    database().clear();
    store = JdbcEventStore.create(database().dataSource(), database().dialect(), Stock.CATALOG);
    stocks = EventSourcedRepository.create(store, Stock.class, Stock::new);
    for (String table : new String[] {"view_live", "view_rebuilt"}) {
      execute(
          "CREATE TABLE IF NOT EXISTS "
              + table
              + " (sku VARCHAR(100) NOT NULL PRIMARY KEY, on_hand INT NOT NULL)");
      execute("DELETE FROM " + table);
    }
  }

  @Test
  void aProjectionRebuiltFromZeroEqualsTheLiveOne() throws Exception {
    Projection live = Projection.create(store, "live", new StockView("view_live"));
    Random random = new Random(13);
    Map<String, Integer> expected = new TreeMap<>();
    for (int i = 0; i < 120; i++) {
      String sku = "sku-" + random.nextInt(6);
      int amount = 1 + random.nextInt(5);
      boolean take = expected.getOrDefault(sku, 0) >= amount && random.nextBoolean();
      save(sku, take ? -amount : amount);
      expected.merge(sku, take ? -amount : amount, Integer::sum);
      if (i % 7 == 0) {
        live.runOnce(); // the live view follows along, a batch at a time
      }
    }
    live.catchUp();
    assertEquals(expected, view("view_live"));
    assertEquals(120, live.position());

    Projection rebuilt = Projection.create(store, "rebuilt", new StockView("view_rebuilt"));
    assertEquals(120, rebuilt.catchUp());
    assertEquals(view("view_live"), view("view_rebuilt"));

    live.rebuild(c -> execute(c, "DELETE FROM view_live"));
    assertEquals(0, live.position());
    live.catchUp();
    assertEquals(expected, view("view_live"));
  }

  @Test
  void aFailingHandlerRollsTheBatchBackAndSkipsNothing() throws Exception {
    save("sku-f", 5);
    Projection broken = Projection.create(store, "broken", new StockView("no_such_table"));
    assertThrows(SQLException.class, broken::runOnce);
    assertEquals(0, broken.position());
    Projection fixed = Projection.create(store, "broken", new StockView("view_live"));
    assertEquals(1, fixed.catchUp());
    assertEquals(Map.of("sku-f", 5), view("view_live"));
  }

  @Test
  void interceptorsSeeEachHandledEventAndAFailureAsRetried() throws Exception {
    save("sku-i", 5);
    save("sku-i", -2);
    List<String> seen = new CopyOnWriteArrayList<>();
    EventInterceptor recorder =
        new EventInterceptor() {
          @Override
          public void onOutcome(Delivery delivery, Outcome outcome, Throwable cause, long nanos) {
            seen.add(
                delivery.system()
                    + " "
                    + delivery.destination()
                    + " "
                    + delivery.offset()
                    + " "
                    + delivery.name()
                    + " "
                    + outcome);
          }
        };
    EventInterceptors interceptors = EventInterceptors.builder().add(recorder).build();
    Projection broken =
        Projection.create(store, "seen", new StockView("no_such_table"), interceptors);
    assertThrows(SQLException.class, broken::runOnce);
    assertEquals(1, seen.size(), String.valueOf(seen));
    assertTrue(seen.get(0).startsWith("eventstore seen 1 ") && seen.get(0).endsWith(" RETRIED"));

    seen.clear();
    Projection fixed = Projection.create(store, "seen", new StockView("view_live"), interceptors);
    assertEquals(2, fixed.catchUp());
    assertEquals(2, seen.size(), String.valueOf(seen));
    assertTrue(seen.get(0).startsWith("eventstore seen 1 ") && seen.get(0).endsWith(" HANDLED"));
    assertTrue(seen.get(1).startsWith("eventstore seen 2 ") && seen.get(1).endsWith(" HANDLED"));
  }

  private void save(String sku, int amount) throws SQLException {
    try (Connection connection = database().dataSource().getConnection()) {
      connection.setAutoCommit(false);
      Stock stock = stocks.load(connection, sku).orElseGet(() -> new Stock(sku));
      if (amount > 0) {
        stock.restock(amount);
      } else {
        stock.take(-amount);
      }
      stocks.save(connection, stock);
      connection.commit();
    }
  }

  private Map<String, Integer> view(String table) throws SQLException {
    Map<String, Integer> rows = new TreeMap<>();
    try (Connection connection = database().dataSource().getConnection();
        Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery("SELECT sku, on_hand FROM " + table)) {
      while (result.next()) {
        rows.put(result.getString(1), result.getInt(2));
      }
    }
    return rows;
  }

  private void execute(String sql) {
    TestDatabase.execute(database().dataSource(), sql);
  }

  private static void execute(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }
}
