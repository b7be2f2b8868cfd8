package dev.domainevents.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The outbox on the machine's PostgreSQL. Runs with {@code -Pservices} and fails, not skips, if the
 * server is unreachable.
 */
@Tag("postgres")
class PostgresOutboxTest extends OutboxContract {
  @RegisterExtension
  static final TestDatabase.PerClass DATABASE = new TestDatabase.PerClass(TestDatabase::postgres);

  @Override
  TestDatabase database() {
    return DATABASE.get();
  }

  @Override
  int twoRelayEventCount() {
    return 20_000;
  }

  @Test
  void theClaimsPlannerSettingEndsWithItsTransaction() throws Exception {
    sellAndCommit(3, new Goods("apple"));
    try (Connection physical = dataSource().getConnection()) {
      // A pool hands the relay's connection to the application next: what the relay set for its
      // claim must not outlive the relay's transaction.
      List<Connection> handedOut = new ArrayList<>();
      OutboxRelay relay =
          OutboxRelay.builder(keepOpen(physical, handedOut), outbox).batchSize(10).build();

      assertEquals(3, relay.pollOnce());
      assertEquals(1, handedOut.size(), "the relay polled on the one pooled connection");
      assertTrue(physical.getAutoCommit(), "the relay's transaction ended");
      try (Statement show = physical.createStatement();
          ResultSet setting = show.executeQuery("SHOW enable_bitmapscan")) {
        assertTrue(setting.next());
        assertEquals("on", setting.getString(1));
      }
    }
  }

  /**
   * A data source that hands out {@code connection} and ignores {@code close()}, as a pool does.
   */
  private static DataSource keepOpen(Connection connection, List<Connection> handedOut) {
    Connection pooled =
        (Connection)
            Proxy.newProxyInstance(
                Connection.class.getClassLoader(),
                new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                  if (method.getName().equals("close")) {
                    return null;
                  }
                  try {
                    return method.invoke(connection, args);
                  } catch (InvocationTargetException e) {
                    throw e.getCause();
                  }
                });
    return (DataSource)
        Proxy.newProxyInstance(
            DataSource.class.getClassLoader(),
            new Class<?>[] {DataSource.class},
            (proxy, method, args) -> {
              if (method.getName().equals("getConnection")) {
                handedOut.add(pooled);
                return pooled;
              }
              throw new UnsupportedOperationException(method.getName());
            });
  }
}
