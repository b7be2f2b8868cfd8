package dev.domainevents.dedupe.jdbc;

import dev.domainevents.EventContext;
import dev.domainevents.kafka.KafkaInfra;
import dev.domainevents.spi.DedupeStore;
import dev.domainevents.spi.EventCatalog;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A consuming service in a child JVM, for tests that kill it with SIGKILL: a {@link KafkaInfra}
 * with a {@link JdbcDedupeStore} whose handler counts each event in its transaction. It runs until
 * killed, or until its standard input closes (the test JVM died). Each duplicate the store skips is
 * logged to {@code skipped_duplicate} (auto-commit), so a test can see that the kills did cause
 * redeliveries.
 */
public final class ConsumerProcess {
  private ConsumerProcess() {}

  /** Starts the child JVM; its output goes to {@code log}. */
  static Process start(
      String bootstrapServers, String topic, String group, String jdbcUrl, Path log)
      throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>();
    command.add(java);
    command.add("-Xmx256m");
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(ConsumerProcess.class.getName());
    command.add(bootstrapServers);
    command.add(topic);
    command.add(group);
    command.add(jdbcUrl);
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.redirectErrorStream(true);
    builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    // Standard input stays a pipe: the child exits when it closes, i.e. when the test JVM dies.
    return builder.start();
  }

  /** {@code bootstrapServers topic group jdbcUrl}. */
  public static void main(String[] args) throws Exception {
    String bootstrapServers = args[0];
    String topic = args[1];
    String group = args[2];
    String url = args[3];
    DedupeStore store = new SkipLogging(JdbcDedupeStore.create(TestDatabase.pooled(url)), url);
    KafkaInfra infra =
        KafkaInfra.builder()
            .bootstrapServers(bootstrapServers)
            .groupId(group)
            .property("session.timeout.ms", "6000")
            .property("heartbeat.interval.ms", "500")
            .property("max.poll.records", "50")
            .property("domainevents.retry.backoff.ms", "20")
            .dedupeStore(store)
            .build();
    infra.subscribe(new CounterEvents.Dispatcher());
    infra.start(EventCatalog.of(CounterEvents.registry(topic)));
    System.out.println("consumer started");
    try {
      while (System.in.read() >= 0) {
        // The test never writes; end of input means the test JVM is gone.
      }
    } catch (IOException e) {
      // The same: the test JVM is gone.
    }
    Runtime.getRuntime().halt(0);
  }

  /** Logs each skipped duplicate, outside the store's transaction. */
  private static final class SkipLogging implements DedupeStore {
    private final DedupeStore store;
    private final String url;

    SkipLogging(DedupeStore store, String url) {
      this.store = store;
      this.url = url;
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
        log(context.eventId());
      }
      return handled;
    }

    private void log(UUID eventId) throws SQLException {
      try (Connection connection = DriverManager.getConnection(url);
          PreparedStatement insert =
              connection.prepareStatement("INSERT INTO skipped_duplicate (event_id) VALUES (?)")) {
        insert.setString(1, eventId.toString());
        insert.executeUpdate();
      }
    }
  }
}
