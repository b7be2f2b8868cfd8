package dev.domainevents.benchmarks;

import dev.domainevents.EventBatch;
import dev.domainevents.EventEnvelope;
import dev.domainevents.dedupe.jdbc.JdbcDedupeStore;
import dev.domainevents.kafka.KafkaInfra;
import dev.domainevents.kafka.embedded.EmbeddedKafka;
import dev.domainevents.spi.EventCatalog;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.h2.tools.Server;

/**
 * {@code benchmarks/soak}: N events through a real broker while consumers and the broker are
 * killed, with 1% handler failures, and a count of what went wrong. Prints one line, {@code lost=0
 * duplicate_effects=0 order_violations=0 events=N seconds=S}, and exits non-zero unless all three
 * are zero.
 *
 * <p>The parts, all real: an {@link EmbeddedKafka} broker (a child JVM) with a six-partition topic;
 * a database (an H2 file database served over TCP by this JVM, or with {@code --postgres} a private
 * schema in PostgreSQL at 127.0.0.1:5432); two {@link SoakConsumer} JVMs with the {@link
 * JdbcDedupeStore}; a publisher in this JVM that retries a batch until the broker acknowledges it.
 * Meanwhile consumers are SIGKILLed and restarted at fixed shares of the handled events, and the
 * broker is SIGKILLed and restarted twice while publishing.
 *
 * <p>Counts, from the database at the end: {@code lost} = published events with no effect; {@code
 * duplicate_effects} = effect rows beyond one per event; {@code order_violations} = deposits that
 * were not the next of their account when handled.
 */
public final class SoakMain {
  private static final String EVENT = "SoakAccount:Deposited";
  private static final String GROUP = "soak";
  private static final int PARTITIONS = 6;
  private static final int ACCOUNTS = 1_000;
  private static final int BATCH = 1_000;
  private static final int CONSUMERS = 2;
  private static final int FAILURE_PERCENT = 1;

  /** Shares of the handled events at which a consumer is killed. */
  private static final double[] CONSUMER_KILLS = {0.10, 0.25, 0.40, 0.55, 0.70, 0.85};

  /** Kills are spaced so that each restarted consumer has rejoined and handled some events. */
  private static final long MIN_KILL_SPACING_NANOS = TimeUnit.SECONDS.toNanos(8);

  /** Shares of the published events at which the broker is killed. */
  private static final double[] BROKER_KILLS = {0.30, 0.65};

  private final int events;
  private final long maxSeconds;
  private final boolean postgres;
  private final long startNanos = System.nanoTime();
  private final AtomicLong published = new AtomicLong();
  private volatile Throwable publishFailure;
  private Path workDirectory;
  private String url;
  private Server h2;
  private String schema;
  private EmbeddedKafka broker;
  private final Process[] consumers = new Process[CONSUMERS];
  private int consumerKills;
  private int brokerKills;
  private boolean cleanedUp;

  private SoakMain(int events, long maxSeconds, boolean postgres) {
    this.events = events;
    this.maxSeconds = maxSeconds;
    this.postgres = postgres;
  }

  /** {@code [--quick] [--events N] [--max-seconds S] [--postgres]}. */
  public static void main(String[] args) throws Exception {
    int events = 200_000;
    long maxSeconds = 0;
    boolean postgres = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--quick" -> events = 20_000;
        case "--events" -> events = bounded(args, ++i, 1_000, 10_000_000);
        case "--max-seconds" -> maxSeconds = bounded(args, ++i, 10, 86_400);
        case "--postgres" -> postgres = true;
        default -> {
          System.err.println(
              "unknown argument "
                  + args[i]
                  + "; usage: soak [--quick] [--events N] [--max-seconds S] [--postgres]");
          System.exit(2);
        }
      }
    }
    if (maxSeconds == 0) {
      maxSeconds = 300 + events / 100; // 2,300 s for the full run
    }
    SoakMain soak = new SoakMain(events, maxSeconds, postgres);
    // Interrupted (Ctrl-C, SIGTERM) or not, the broker, consumers and database go away.
    Runtime.getRuntime().addShutdownHook(new Thread(soak::cleanUp, "soak-clean-up"));
    boolean clean = soak.run();
    System.exit(clean ? 0 : 1);
  }

  private static int bounded(String[] args, int index, int min, int max) {
    if (index >= args.length) {
      throw new IllegalArgumentException(args[index - 1] + " needs a number");
    }
    int value = Integer.parseInt(args[index]);
    if (value < min || value > max) {
      throw new IllegalArgumentException(
          args[index - 1] + " must be " + min + " to " + max + ", was " + value);
    }
    return value;
  }

  private boolean run() throws Exception {
    workDirectory = Files.createTempDirectory("soak-");
    openDatabase();
    createTables();
    broker = EmbeddedKafka.create().start();
    String topic = EventCatalog.load().require(EVENT).topic();
    broker.createTopic(topic, PARTITIONS);
    note(
        "broker up, topic "
            + topic
            + " with "
            + PARTITIONS
            + " partitions; database "
            + (postgres ? "PostgreSQL" : "H2 file"));

    for (int i = 0; i < CONSUMERS; i++) {
      consumers[i] = startConsumer(i);
    }
    Thread publisher = new Thread(this::publishAll, "soak-publisher");
    publisher.start();

    int nextConsumerKill = 0;
    int nextBrokerKill = 0;
    long lastConsumerKill = System.nanoTime();
    long deadline = startNanos + TimeUnit.SECONDS.toNanos(maxSeconds);
    long handled = 0;
    while (System.nanoTime() < deadline && publishFailure == null) {
      handled = count("SELECT COUNT(DISTINCT event_id) FROM soak_effect");
      if (handled >= events) {
        break;
      }
      if (nextBrokerKill < BROKER_KILLS.length
          && published.get() >= BROKER_KILLS[nextBrokerKill] * events) {
        nextBrokerKill++;
        killBroker();
      }
      if (nextConsumerKill < CONSUMER_KILLS.length
          && handled >= CONSUMER_KILLS[nextConsumerKill] * events
          && System.nanoTime() - lastConsumerKill > MIN_KILL_SPACING_NANOS) {
        killConsumer(nextConsumerKill % CONSUMERS);
        nextConsumerKill++;
        lastConsumerKill = System.nanoTime();
      }
      for (int i = 0; i < CONSUMERS; i++) {
        if (!consumers[i].isAlive()) {
          note(
              "consumer "
                  + i
                  + " exited by itself with "
                  + consumers[i].exitValue()
                  + "; restarting it");
          consumers[i] = startConsumer(i);
        }
      }
      Thread.sleep(500);
    }
    if (handled >= events) {
      Thread.sleep(3_000); // a late duplicate would show now
    } else {
      note(
          "stopped at the time bound of "
              + maxSeconds
              + " s with "
              + handled
              + " of "
              + events
              + " handled");
    }
    publisher.interrupt();
    publisher.join(10_000);
    stopConsumers();

    long effects = count("SELECT COUNT(*) FROM soak_effect");
    long distinct = count("SELECT COUNT(DISTINCT event_id) FROM soak_effect");
    long violations = count("SELECT COUNT(*) FROM soak_violation");
    long skipped = count("SELECT COUNT(*) FROM soak_skipped");
    long lost = events - distinct;
    long duplicates = effects - distinct;
    note(
        "consumer_kills="
            + consumerKills
            + " broker_kills="
            + brokerKills
            + " handler_failure_rate="
            + FAILURE_PERCENT
            + "% redeliveries_skipped_by_dedupe="
            + skipped
            + " published="
            + published.get()
            + (publishFailure == null ? "" : " publish_failure=" + publishFailure));
    System.out.println(
        "lost="
            + lost
            + " duplicate_effects="
            + duplicates
            + " order_violations="
            + violations
            + " events="
            + events
            + " seconds="
            + seconds());
    return lost == 0 && duplicates == 0 && violations == 0 && publishFailure == null;
  }

  /**
   * Publishes every event in batches, retrying a batch (same event ids) until the broker
   * acknowledges all of it: at-least-once into the topic, as a service with an outbox would.
   */
  private void publishAll() {
    SoakAccount[] accounts = new SoakAccount[ACCOUNTS];
    for (int i = 0; i < ACCOUNTS; i++) {
      accounts[i] = new SoakAccount("account-" + i);
    }
    try (KafkaInfra infra =
        KafkaInfra.builder()
            .bootstrapServers(broker.bootstrapServers())
            .property("max.block.ms", "5000")
            .property("request.timeout.ms", "5000")
            .property("delivery.timeout.ms", "15000")
            .property("reconnect.backoff.max.ms", "500")
            .build()) {
      infra.start(EventCatalog.load());
      int sent = 0;
      while (sent < events) {
        int size = Math.min(BATCH, events - sent);
        for (int i = 0; i < size; i++) {
          accounts[(sent + i) % ACCOUNTS].deposited();
        }
        EventBatch drained = EventBatch.of(null, accounts);
        List<EventEnvelope> batch = drained.events();
        drained.clear();
        while (true) {
          try {
            infra.publishAndWait(batch);
            break;
          } catch (RuntimeException e) {
            if (Thread.currentThread().isInterrupted()) {
              return;
            }
            note(
                "publish of " + batch.size() + " events failed (" + e + "); publishing them again");
            Thread.sleep(500);
          }
        }
        sent += size;
        published.set(sent);
      }
      note("published " + sent + " events at " + seconds() + " s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException | Error e) {
      publishFailure = e;
    }
  }

  private void killBroker() {
    // SIGKILL, not EmbeddedKafka.stop()'s graceful stop: the broker gets no chance to flush.
    // It is this JVM's one child that is not a consumer (a command line can be too long to read).
    Set<Long> consumerPids = new HashSet<>();
    for (Process consumer : consumers) {
      consumerPids.add(consumer.pid());
    }
    Optional<ProcessHandle> process =
        ProcessHandle.current()
            .children()
            .filter(child -> !consumerPids.contains(child.pid()))
            .findFirst();
    if (process.isEmpty()) {
      note("no broker process found to kill");
      return;
    }
    process.get().destroyForcibly();
    process.get().onExit().orTimeout(30, TimeUnit.SECONDS).join();
    brokerKills++;
    note("broker killed (SIGKILL) at " + seconds() + " s, " + published.get() + " published");
    broker.stop(); // forgets the dead process
    sleep(2_000);
    broker.start();
    note("broker restarted at " + seconds() + " s");
  }

  private void killConsumer(int index) throws IOException {
    consumers[index].destroyForcibly();
    try {
      consumers[index].waitFor(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    consumerKills++;
    note("consumer " + index + " killed (SIGKILL) at " + seconds() + " s");
    consumers[index] = startConsumer(index);
  }

  private Process startConsumer(int index) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx384m");
    command.add("-XX:+UseSerialGC");
    command.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
    command.add("-cp");
    command.add(classPath());
    command.add(SoakConsumer.class.getName());
    command.add(broker.bootstrapServers());
    command.add(GROUP);
    command.add(url);
    command.add(Integer.toString(FAILURE_PERCENT));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.redirectErrorStream(true);
    builder.redirectOutput(
        ProcessBuilder.Redirect.appendTo(
            workDirectory.resolve("consumer-" + index + ".log").toFile()));
    // Standard input stays a pipe: the consumer exits when it closes, i.e. when this JVM dies.
    return builder.start();
  }

  private static String classPath() {
    List<String> entries = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      entries.add(Path.of(entry).toAbsolutePath().toString());
    }
    return String.join(File.pathSeparator, entries);
  }

  private void stopConsumers() {
    for (Process consumer : consumers) {
      if (consumer != null) {
        consumer.destroyForcibly();
      }
    }
    for (Process consumer : consumers) {
      if (consumer != null) {
        try {
          consumer.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  private void openDatabase() throws SQLException, IOException {
    if (postgres) {
      schema = "soak_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
      try (Connection admin =
              DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/test?user=postgres");
          Statement statement = admin.createStatement()) {
        statement.execute("CREATE SCHEMA " + schema);
      }
      url = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres&currentSchema=" + schema;
      return;
    }
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    h2 =
        Server.createTcpServer(
                "-tcpPort",
                Integer.toString(port),
                "-ifNotExists",
                "-baseDir",
                workDirectory.toString())
            .start();
    url = "jdbc:h2:tcp://127.0.0.1:" + port + "/soak";
  }

  private void createTables() throws SQLException {
    try (Connection connection = DriverManager.getConnection(url)) {
      JdbcDedupeStore.createTable(
          connection, postgres ? JdbcDedupeStore.Dialect.POSTGRESQL : JdbcDedupeStore.Dialect.H2);
      try (Statement statement = connection.createStatement()) {
        statement.execute(
            "CREATE TABLE soak_account (id VARCHAR(64) PRIMARY KEY, last_seq BIGINT NOT NULL)");
        statement.execute(
            "CREATE TABLE soak_effect (event_id VARCHAR(36) NOT NULL, account VARCHAR(64) NOT NULL, seq BIGINT NOT NULL)");
        statement.execute(
            "CREATE TABLE soak_violation (account VARCHAR(64) NOT NULL, expected BIGINT NOT NULL, got BIGINT NOT NULL)");
        statement.execute("CREATE TABLE soak_skipped (event_id VARCHAR(36) NOT NULL)");
      }
      try (PreparedStatement insert =
          connection.prepareStatement("INSERT INTO soak_account (id, last_seq) VALUES (?, 0)")) {
        for (int i = 0; i < ACCOUNTS; i++) {
          insert.setString(1, "account-" + i);
          insert.addBatch();
        }
        insert.executeBatch();
      }
    }
  }

  private long count(String sql) throws SQLException {
    try (Connection connection = DriverManager.getConnection(url);
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(sql)) {
      rows.next();
      return rows.getLong(1);
    }
  }

  private synchronized void cleanUp() {
    if (cleanedUp) {
      return;
    }
    cleanedUp = true;
    stopConsumers();
    if (broker != null) {
      broker.close();
    }
    if (h2 != null) {
      h2.stop();
    }
    if (schema != null) {
      try (Connection admin =
              DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/test?user=postgres");
          Statement statement = admin.createStatement()) {
        statement.execute("DROP SCHEMA " + schema + " CASCADE");
      } catch (SQLException e) {
        note("could not drop schema " + schema + ": " + e);
      }
    }
    if (workDirectory != null) {
      try (Stream<Path> files = Files.walk(workDirectory)) {
        files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      } catch (IOException e) {
        note("could not delete " + workDirectory + ": " + e);
      }
    }
  }

  private long seconds() {
    return TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startNanos);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void note(String message) {
    System.err.println("soak: " + message);
  }
}
