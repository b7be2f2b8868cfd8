package dev.domainevents.eventstore;

import dev.domainevents.EventEnvelope;
import dev.domainevents.spi.Envelopes;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.h2.jdbcx.JdbcDataSource;

/**
 * The child JVM of {@link CrashTest}: appends batches of {@value #BATCH} events to new streams
 * until it is killed, printing each committed batch.
 */
final class CrashAppender {
  static final int BATCH = 200;

  private CrashAppender() {}

  public static void main(String[] args) throws Exception {
    JdbcDataSource h2 = new JdbcDataSource();
    h2.setURL(args[0]);
    JdbcEventStore store = JdbcEventStore.create(h2, EventStoreDialect.H2, Goods.CATALOG);
    try (Connection connection = h2.getConnection()) {
      EventStoreSchema.create(connection, EventStoreDialect.H2);
      connection.setAutoCommit(false);
      for (int stream = 0; ; stream++) {
        String sku = "crash-" + stream;
        List<EventEnvelope> events = new ArrayList<>(BATCH);
        for (int i = 0; i < BATCH; i++) {
          events.add(Envelopes.event(Goods.SELL, sku, new Goods.Sold(sku, i), Map.of()));
        }
        store.append(connection, new StreamId("Goods", sku), 0, events);
        connection.commit();
        System.out.println("committed " + stream);
        System.out.flush();
      }
    }
  }
}
