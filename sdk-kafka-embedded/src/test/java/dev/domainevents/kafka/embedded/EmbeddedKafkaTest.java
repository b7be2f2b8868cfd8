package dev.domainevents.kafka.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaTest {

  @Test
  void recordsRoundTripThroughTheBroker() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.create().start()) {
      kafka.createTopic("round-trip", 3);
      try (Admin admin = kafka.admin()) {
        int partitions =
            admin
                .describeTopics(List.of("round-trip"))
                .allTopicNames()
                .get(10, TimeUnit.SECONDS)
                .get("round-trip")
                .partitions()
                .size();
        assertEquals(3, partitions);
      }
      send(kafka.bootstrapServers(), "round-trip", "k", "hello");
      assertEquals(List.of("hello"), readAll(kafka.bootstrapServers(), "round-trip", 1));
    }
  }

  @Test
  void restartKeepsAddressAndData() throws Exception {
    Path directory;
    try (EmbeddedKafka kafka = EmbeddedKafka.create(Map.of("num.partitions", "2")).start()) {
      directory = kafka.directory();
      String address = kafka.bootstrapServers();
      send(address, "survives-restart", "k", "before");

      kafka.stop();
      assertFalse(kafka.isRunning());
      kafka.restart();

      assertTrue(kafka.isRunning());
      assertEquals(address, kafka.bootstrapServers());
      send(address, "survives-restart", "k", "after");
      assertEquals(List.of("before", "after"), readAll(address, "survives-restart", 2));
    }
    assertFalse(Files.exists(directory), "close() deletes the broker's directory");
  }

  /**
   * {@code java -jar app/target/app.jar} gives the application a class path relative to its working
   * directory, while the broker's child JVM runs in the broker's own directory. The application
   * runs in the file system's root: relative entries that climb with {@code ..} would name the same
   * files from any directory.
   */
  @Test
  void startsFromAnApplicationWhoseClassPathIsRelative(@TempDir Path logDirectory)
      throws Exception {
    Path workingDirectory = logDirectory.toAbsolutePath().getRoot();
    String relativeClassPath =
        Stream.of(System.getProperty("java.class.path").split(File.pathSeparator))
            .filter(entry -> !entry.isEmpty())
            .map(entry -> workingDirectory.relativize(Path.of(entry).toAbsolutePath()).toString())
            .collect(Collectors.joining(File.pathSeparator));
    Path output = logDirectory.resolve("application.log");
    Process application =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                relativeClassPath,
                StartAndCloseMain.class.getName())
            .directory(workingDirectory.toFile())
            .redirectErrorStream(true)
            .redirectOutput(output.toFile())
            .start();
    try {
      assertTrue(
          application.waitFor(120, TimeUnit.SECONDS), "the application did not end within 120 s");
    } finally {
      application.destroyForcibly();
    }
    String log = Files.readString(output, StandardCharsets.UTF_8);
    assertEquals(0, application.exitValue(), log);
    assertTrue(log.contains(StartAndCloseMain.STARTED), log);
  }

  @Test
  void classPathGivenToTheBrokerIsAbsolute() {
    String relative = String.join(File.pathSeparator, "target/app.jar", "", "lib/../lib/kafka.jar");
    String childClassPath = EmbeddedKafka.childClassPath(relative, null);

    Path workingDirectory = Path.of("").toAbsolutePath();
    assertEquals(
        String.join(
            File.pathSeparator,
            workingDirectory.resolve("target/app.jar").toString(),
            workingDirectory.resolve("lib/kafka.jar").toString()),
        childClassPath);
  }

  @Test
  void failedFirstStartDeletesItsDirectoryAndLeavesNoProcess(@TempDir Path parent)
      throws Exception {
    Set<Long> childrenBefore = childProcesses();
    EmbeddedKafka kafka = EmbeddedKafka.create(Map.of("num.partitions", "many"), parent);

    IllegalStateException failure = assertThrows(IllegalStateException.class, kafka::start);

    assertTrue(failure.getMessage().contains("num.partitions"), failure.getMessage());
    assertFalse(kafka.isRunning());
    try (Stream<Path> left = Files.list(parent)) {
      assertEquals(List.of(), left.toList(), "the broker's directory is deleted");
    }
    assertTrue(childrenBefore.containsAll(childProcesses()), "no broker process is left");
    kafka.close(); // closing after a failed start is harmless
  }

  private static Set<Long> childProcesses() {
    return ProcessHandle.current()
        .children()
        .filter(ProcessHandle::isAlive)
        .map(ProcessHandle::pid)
        .collect(Collectors.toSet());
  }

  private static void send(String bootstrap, String topic, String key, String value)
      throws Exception {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
      producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
    }
  }

  private static List<String> readAll(String bootstrap, String topic, int expected) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + topic);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    List<String> values = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
      consumer.subscribe(Set.of(topic));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (values.size() < expected && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
          values.add(record.value());
        }
      }
    }
    return values;
  }
}
