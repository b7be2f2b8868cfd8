package dev.domainevents.test.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(EmbeddedKafkaExtension.class)
class EmbeddedKafkaTest {

  @Test
  void recordsRoundTripThroughTheBroker(EmbeddedKafka kafka) throws Exception {
    kafka.createTopic("round-trip", 3);
    try (Admin admin = kafka.admin()) {
      int partitions =
          admin.describeTopics(List.of("round-trip")).allTopicNames().get(10, TimeUnit.SECONDS)
              .get("round-trip").partitions().size();
      assertEquals(3, partitions);
    }
    send(kafka.bootstrapServers(), "round-trip", "k", "hello");
    assertEquals(List.of("hello"), readAll(kafka.bootstrapServers(), "round-trip", 1));
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
