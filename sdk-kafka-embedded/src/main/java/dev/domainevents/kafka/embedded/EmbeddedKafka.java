package dev.domainevents.kafka.embedded;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node Kafka broker in KRaft combined mode (broker and controller in one process), for
 * tests and for running an application locally without a Kafka installation.
 *
 * <p>The broker runs in a child JVM started from this JVM's class path (made absolute, since the
 * child runs in the broker's directory), so this works from tests, from an IDE and from a runnable
 * jar started from any directory alike, and a test can {@link #stop()} and {@link #restart()} it to
 * simulate an outage. It listens on 127.0.0.1 on a free port that stays the same across restarts,
 * keeps its data in a fresh temporary directory that {@link #close()} deletes (as does a failed
 * first start), and writes its output to {@code broker.log} in that directory. The child is also
 * killed when this JVM exits, and exits by itself when this JVM dies.
 *
 * <pre>{@code
 * try (EmbeddedKafka kafka = EmbeddedKafka.create().start()) {
 *   String bootstrap = kafka.bootstrapServers();
 *   kafka.createTopic("orders", 3);
 *   ...
 * }
 * }</pre>
 *
 * <p>In JUnit Jupiter tests, use {@code EmbeddedKafkaExtension} from {@code sdk-test}. Not
 * thread-safe: start, stop and close from one thread.
 */
public final class EmbeddedKafka implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedKafka.class);
  private static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(90);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);

  private final Map<String, String> overrides;
  private final Duration startTimeout;

  /** Where the broker's temporary directory is created; null for the system's default. */
  private final Path parentDirectory;

  private Path directory;
  private int brokerPort;
  private int controllerPort;
  private String clusterId;
  private Process process;
  private Thread shutdownHook;
  private boolean manualShutdown;

  private EmbeddedKafka(
      Map<String, String> overrides, Duration startTimeout, Path parentDirectory) {
    this.overrides = Map.copyOf(overrides);
    this.startTimeout = startTimeout;
    this.parentDirectory = parentDirectory;
  }

  /** Returns a broker with the default settings, not yet started. */
  public static EmbeddedKafka create() {
    return new EmbeddedKafka(Map.of(), DEFAULT_START_TIMEOUT, null);
  }

  /**
   * Returns a broker whose {@code server.properties} get {@code brokerProperties} on top of the
   * defaults, not yet started; e.g. {@code Map.of("num.partitions", "3")}.
   */
  public static EmbeddedKafka create(Map<String, String> brokerProperties) {
    Objects.requireNonNull(brokerProperties, "brokerProperties");
    return new EmbeddedKafka(brokerProperties, DEFAULT_START_TIMEOUT, null);
  }

  /**
   * Like {@link #create(Map)}, with the temporary directory made inside {@code parentDirectory}.
   */
  static EmbeddedKafka create(Map<String, String> brokerProperties, Path parentDirectory) {
    Objects.requireNonNull(brokerProperties, "brokerProperties");
    Objects.requireNonNull(parentDirectory, "parentDirectory");
    return new EmbeddedKafka(brokerProperties, DEFAULT_START_TIMEOUT, parentDirectory);
  }

  /**
   * Leaves stopping the broker to the caller: no JVM shutdown hook kills it. An application that
   * closes its Kafka clients in its own shutdown hook uses this, so that its consumers can commit
   * and its producers flush before it closes this broker last. The child process still exits by
   * itself if this JVM dies without closing it.
   *
   * @return this broker
   */
  public EmbeddedKafka manualShutdown() {
    manualShutdown = true;
    return this;
  }

  /**
   * Starts the broker and waits until it answers an admin client, at most 90 seconds.
   *
   * @return this broker
   * @throws IllegalStateException if it is already running, or did not come up; the message
   *     includes the end of its log. A failed first start also deletes the broker's directory; a
   *     failed restart keeps it for another try, and {@link #close()} deletes it.
   */
  public EmbeddedKafka start() {
    if (process != null) {
      throw new IllegalStateException("the embedded broker is already running");
    }
    boolean firstStart = directory == null;
    try {
      if (firstStart) {
        directory =
            parentDirectory == null
                ? Files.createTempDirectory("embedded-kafka-")
                : Files.createTempDirectory(parentDirectory, "embedded-kafka-");
        brokerPort = freePort();
        controllerPort = freePort();
        clusterId = Uuid.randomUuid().toString();
        writeServerProperties();
      }
      launch(firstStart);
      awaitReady();
      return this;
    } catch (IOException e) {
      abandonStart(firstStart);
      throw new UncheckedIOException("could not start the embedded Kafka broker", e);
    } catch (RuntimeException e) {
      abandonStart(firstStart);
      throw e;
    }
  }

  /**
   * After a failed first start nobody holds this broker to close it (the caller got an exception
   * instead), so its directory goes now; the exception already carries the end of its log.
   */
  private void abandonStart(boolean firstStart) {
    stopQuietly();
    if (firstStart && directory != null) {
      deleteRecursively(directory);
      directory = null;
    }
  }

  /** The {@code bootstrap.servers} value for clients, e.g. {@code 127.0.0.1:40123}. */
  public String bootstrapServers() {
    if (directory == null) {
      throw new IllegalStateException("start the embedded broker before asking for its address");
    }
    return "127.0.0.1:" + brokerPort;
  }

  /** Returns whether the broker process is running. */
  public boolean isRunning() {
    return process != null && process.isAlive();
  }

  /**
   * The directory holding the broker's data and {@code broker.log}; deleted by {@link #close()}.
   */
  public Path directory() {
    return directory;
  }

  /**
   * Stops the broker gracefully (at most 20 seconds, then it is killed), keeping its port and data
   * so that {@link #restart()} brings the same broker back. Stopping a stopped broker does nothing.
   */
  public void stop() {
    if (process == null) {
      return;
    }
    Process stopping = process;
    process = null;
    removeShutdownHook();
    stopping.destroy();
    try {
      if (!stopping.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        log.warn("embedded Kafka broker did not stop within {}; killing it", STOP_TIMEOUT);
        stopping.destroyForcibly().waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      stopping.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  /** Stops the broker if it runs, then starts it again on the same port with the same data. */
  public EmbeddedKafka restart() {
    stop();
    return start();
  }

  /**
   * Creates a topic with {@code partitions} partitions and replication factor 1, and waits until
   * the broker leads every partition. An existing topic is left as it is.
   *
   * <p>Waiting for the leaders matters to idempotent producers: a produce request that reaches a
   * partition before the broker has applied its creation fails and is retried, and a later batch of
   * the same producer that arrives after it is accepted first; the retried batch is then refused
   * with {@code OUT_OF_ORDER_SEQUENCE_NUMBER} until it expires (KAFKA-15591).
   */
  public void createTopic(String name, int partitions) {
    Objects.requireNonNull(name, "name");
    try (Admin admin = admin()) {
      admin
          .createTopics(List.of(new NewTopic(name, partitions, (short) 1)))
          .all()
          .get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw new IllegalStateException("could not create topic " + name, e.getCause());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topic " + name, e);
    } catch (TimeoutException e) {
      throw new IllegalStateException("timed out creating topic " + name, e);
    }
    awaitLeaders(name, Duration.ofSeconds(30));
  }

  private void awaitLeaders(String topic, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    try (Admin admin = admin()) {
      while (true) {
        try {
          TopicDescription description =
              admin
                  .describeTopics(List.of(topic))
                  .allTopicNames()
                  .get(10, TimeUnit.SECONDS)
                  .get(topic);
          if (description.partitions().stream().allMatch(p -> p.leader() != null)) {
            return;
          }
        } catch (ExecutionException e) {
          // Not known to the broker yet: ask again.
        } catch (TimeoutException e) {
          // Asked again below, while the deadline allows.
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("topic " + topic + " has no leader after " + timeout);
        }
        Thread.sleep(50);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for topic " + topic, e);
    }
  }

  /** Returns a new admin client for this broker; the caller closes it. */
  public Admin admin() {
    Properties properties = new Properties();
    properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    properties.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
    properties.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
    return Admin.create(properties);
  }

  /** Stops the broker and deletes its directory. */
  @Override
  public void close() {
    stop();
    if (directory != null) {
      deleteRecursively(directory);
      directory = null;
    }
  }

  private void writeServerProperties() throws IOException {
    Properties server = new Properties();
    server.put("process.roles", "broker,controller");
    server.put("node.id", "1");
    server.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
    server.put(
        "listeners",
        "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
    server.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
    server.put("controller.listener.names", "CONTROLLER");
    server.put("inter.broker.listener.name", "PLAINTEXT");
    server.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    server.put("log.dirs", directory.resolve("data").toString());
    server.put("num.partitions", "1");
    server.put("auto.create.topics.enable", "true");
    // A single node: every internal topic has one replica, and small ones start faster.
    server.put("offsets.topic.replication.factor", "1");
    server.put("offsets.topic.num.partitions", "3");
    server.put("transaction.state.log.replication.factor", "1");
    server.put("transaction.state.log.min.isr", "1");
    server.put("transaction.state.log.num.partitions", "3");
    server.put("share.coordinator.state.topic.replication.factor", "1");
    server.put("share.coordinator.state.topic.min.isr", "1");
    // Tests use short session timeouts and want groups to form at once.
    server.put("group.initial.rebalance.delay.ms", "0");
    server.put("group.min.session.timeout.ms", "500");
    server.put("group.consumer.min.session.timeout.ms", "1000");
    server.put("group.consumer.min.heartbeat.interval.ms", "500");
    server.put("num.network.threads", "2");
    server.put("num.io.threads", "2");
    server.put("log.cleaner.enable", "false");
    server.putAll(overrides);
    try (Writer out = Files.newBufferedWriter(serverProperties(), StandardCharsets.UTF_8)) {
      server.store(out, "embedded Kafka broker (dev.domainevents.kafka.embedded.EmbeddedKafka)");
    }
  }

  private Path serverProperties() {
    return directory.resolve("server.properties");
  }

  private Path logFile() {
    return directory.resolve("broker.log");
  }

  private void launch(boolean format) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx512m");
    command.add("-Xms64m");
    command.add("-XX:+UseSerialGC");
    // C1 only: the broker starts faster and takes less CPU from the tests sharing the machine.
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-Djava.awt.headless=true");
    command.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
    command.add("-Dlog4j2.level=WARN");
    command.add("-cp");
    command.add(childClassPath());
    command.add(BrokerMain.class.getName());
    command.add(serverProperties().toString());
    command.add(format ? clusterId : BrokerMain.NO_FORMAT);
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.redirectErrorStream(true);
    builder.redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()));
    // stdin stays a pipe: the child exits when it closes, i.e. when this JVM dies.
    builder.directory(directory.toFile());
    process = builder.start();
    Process started = process;
    if (!manualShutdown) {
      shutdownHook = new Thread(started::destroyForcibly, "embedded-kafka-shutdown");
      Runtime.getRuntime().addShutdownHook(shutdownHook);
    }
    log.info(
        "started embedded Kafka broker pid {} on {} (log: {})",
        started.pid(),
        bootstrapServers(),
        logFile());
  }

  /**
   * This JVM's class path, plus the jars of any URL class loader that loaded this class: under
   * {@code mvn exec:java} or an application server, {@code java.class.path} alone lacks Kafka.
   */
  private static String childClassPath() {
    return childClassPath(
        System.getProperty("java.class.path"), EmbeddedKafka.class.getClassLoader());
  }

  /**
   * Every entry absolute: the child runs in the broker's directory, where an entry relative to this
   * JVM's working directory (as {@code java -jar app/target/app.jar} gives) would name nothing.
   */
  static String childClassPath(String classPath, ClassLoader loader) {
    Set<String> entries = new LinkedHashSet<>();
    for (String entry : classPath.split(File.pathSeparator)) {
      if (!entry.isEmpty()) {
        entries.add(Path.of(entry).toAbsolutePath().normalize().toString());
      }
    }
    for (ClassLoader current = loader; current != null; current = current.getParent()) {
      if (current instanceof URLClassLoader urls) {
        for (URL url : urls.getURLs()) {
          if ("file".equals(url.getProtocol())) {
            try {
              entries.add(Path.of(url.toURI()).toString());
            } catch (URISyntaxException | IllegalArgumentException e) {
              log.debug("skipping class path entry {}", url, e);
            }
          }
        }
      }
    }
    return String.join(File.pathSeparator, entries);
  }

  private void awaitReady() {
    long deadline = System.nanoTime() + startTimeout.toNanos();
    RuntimeException last = null;
    try (Admin admin = admin()) {
      while (System.nanoTime() < deadline) {
        if (!process.isAlive()) {
          throw new IllegalStateException(
              "the embedded Kafka broker exited with code "
                  + process.exitValue()
                  + "; end of "
                  + logFile()
                  + ":\n"
                  + tailOfLog());
        }
        try {
          Collection<?> nodes = admin.describeCluster().nodes().get(5, TimeUnit.SECONDS);
          if (!nodes.isEmpty()) {
            return;
          }
        } catch (ExecutionException | TimeoutException e) {
          last = new IllegalStateException(e.getCause() == null ? e : e.getCause());
        }
        Thread.sleep(200);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the embedded broker", e);
    }
    throw new IllegalStateException(
        "the embedded Kafka broker did not become ready within "
            + startTimeout
            + " (last error: "
            + last
            + "); end of "
            + logFile()
            + ":\n"
            + tailOfLog());
  }

  private String tailOfLog() {
    try {
      List<String> lines = Files.readAllLines(logFile(), StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException | UncheckedIOException e) {
      return "(log unreadable: " + e + ")";
    }
  }

  private void stopQuietly() {
    try {
      stop();
    } catch (RuntimeException e) {
      log.warn("could not stop the embedded broker", e);
    }
  }

  private void removeShutdownHook() {
    if (shutdownHook != null) {
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException alreadyShuttingDown) {
        // The hook is running or about to; nothing left to remove.
      }
      shutdownHook = null;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    }
  }

  private static void deleteRecursively(Path root) {
    try {
      Files.walkFileTree(
          root,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              Files.deleteIfExists(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
              Files.deleteIfExists(dir);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      log.warn("could not delete {}", root, e);
    }
  }
}
