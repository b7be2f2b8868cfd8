package dev.domainevents.benchmarks;

import dev.domainevents.EventContext;
import dev.domainevents.dedupe.jdbc.JdbcDedupeStore;
import dev.domainevents.kafka.KafkaInfra;
import dev.domainevents.spi.DedupeStore;
import dev.domainevents.spi.EventCatalog;
import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.UUID;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcConnectionPool;
import org.postgresql.ds.PGPoolingDataSource;

/**
 * One consuming instance of the soak, in its own JVM so that {@link SoakMain} can kill it with
 * SIGKILL: a {@link KafkaInfra} with a {@link JdbcDedupeStore} and the {@link SoakHandler}. It
 * exits when its standard input closes, i.e. when the soak's JVM dies.
 */
public final class SoakConsumer {
  private SoakConsumer() {}

  /** {@code bootstrapServers group jdbcUrl failurePercent}. */
  public static void main(String[] args) throws Exception {
    String bootstrapServers = args[0];
    String group = args[1];
    String url = args[2];
    int failurePercent = Integer.parseInt(args[3]);
    DataSource dataSource = dataSource(url);
    DedupeStore store = new SkipCounting(JdbcDedupeStore.create(dataSource), dataSource);
    KafkaInfra infra =
        KafkaInfra.builder()
            .bootstrapServers(bootstrapServers)
            .groupId(group)
            .property("session.timeout.ms", "6000")
            .property("heartbeat.interval.ms", "500")
            .property("max.poll.records", "200")
            .property("reconnect.backoff.max.ms", "500")
            .property("domainevents.retry.backoff.ms", "20")
            .dedupeStore(store)
            .build();
    infra.subscribe(EventCatalog.load().dispatcherFor(new SoakHandler(failurePercent)));
    infra.start(EventCatalog.load());
    System.out.println("soak consumer started");
    InputStream in = System.in;
    try {
      while (in.read() >= 0) {
        // The parent never writes; end of input means it is gone.
      }
    } catch (IOException e) {
      // The same: the parent is gone.
    }
    Runtime.getRuntime().halt(0);
  }

  /**
   * The drivers' own pools: a new connection per event costs more than the event's transaction
   * (thirty times more on PostgreSQL here). pgjdbc's pool is deprecated in favour of a pooling
   * library, which this module does not otherwise need.
   */
  @SuppressWarnings("deprecation")
  static DataSource dataSource(String url) {
    if (url.startsWith("jdbc:h2:")) {
      return JdbcConnectionPool.create(url, "", "");
    }
    PGPoolingDataSource postgres = new PGPoolingDataSource();
    postgres.setURL(url);
    postgres.setMaxConnections(4);
    return postgres;
  }

  /** Counts each duplicate the store skipped, outside its transaction. */
  private static final class SkipCounting implements DedupeStore {
    private final DedupeStore store;
    private final DataSource dataSource;

    SkipCounting(DedupeStore store, DataSource dataSource) {
      this.store = store;
      this.dataSource = dataSource;
    }

    @Override
    public boolean contains(String group, UUID eventId) {
      return store.contains(group, eventId);
    }

    @Override
    public void add(String group, UUID eventId) {
      store.add(group, eventId);
    }

    @Override
    public boolean handleOnce(String group, EventContext context, Handling handling)
        throws Exception {
      boolean handled = store.handleOnce(group, context, handling);
      if (!handled) {
        try (Connection connection = dataSource.getConnection();
            PreparedStatement insert =
                connection.prepareStatement("INSERT INTO soak_skipped (event_id) VALUES (?)")) {
          insert.setString(1, context.eventId().toString());
          insert.executeUpdate();
          if (!connection.getAutoCommit()) {
            connection.commit();
          }
        } catch (SQLException e) {
          System.err.println("could not count a skipped duplicate: " + e);
        }
      }
      return handled;
    }
  }
}
