package dev.domainevents.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Plain kafka-clients access for tests: what is really on the wire, and hand-made records. */
final class RawRecords {
  private RawRecords() {}

  /** Reads {@code topic} from the beginning, without a group, until {@code expected} records. */
  static List<ConsumerRecord<byte[], byte[]>> read(
      String bootstrap, String topic, int expected, Duration timeout) {
    Properties props = new Properties();
    props.put("bootstrap.servers", bootstrap);
    props.put("metadata.max.age.ms", "1000");
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = new ArrayList<>();
      while (partitions.isEmpty()) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(5));
        if (infos != null) {
          infos.forEach(i -> partitions.add(new TopicPartition(topic, i.partition())));
        }
        if (System.nanoTime() > deadline) {
          throw new AssertionError("topic " + topic + " never appeared");
        }
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      while (records.size() < expected && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(100)).forEach(records::add);
      }
    }
    if (records.size() < expected) {
      throw new AssertionError(
          "expected " + expected + " record(s) in " + topic + " but found " + records.size());
    }
    return records;
  }

  static void send(
      String bootstrap, String topic, String key, String value, Map<String, String> headers)
      throws Exception {
    RecordHeaders recordHeaders = new RecordHeaders();
    headers.forEach((k, v) -> recordHeaders.add(k, v.getBytes(StandardCharsets.UTF_8)));
    send(bootstrap, topic, key, value, recordHeaders);
  }

  /** Sends a record whose header values are given as bytes, e.g. bytes that are not UTF-8. */
  static void send(
      String bootstrap, String topic, String key, String value, RecordHeaders recordHeaders)
      throws Exception {
    Properties props = new Properties();
    props.put("bootstrap.servers", bootstrap);
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
      producer
          .send(
              new ProducerRecord<>(
                  topic,
                  null,
                  key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                  value == null ? null : value.getBytes(StandardCharsets.UTF_8),
                  recordHeaders))
          .get(30, TimeUnit.SECONDS);
    }
  }

  /**
   * The headers of a well-formed envelope of event {@code name}, as a producer of ours writes them.
   */
  static Map<String, String> envelopeHeaders(String name, String id) {
    Map<String, String> headers = new HashMap<>();
    headers.put(EnvelopeHeaders.EVENT_ID, id);
    headers.put(EnvelopeHeaders.EVENT_NAME, name);
    headers.put(EnvelopeHeaders.OCCURRED_AT, "2026-01-01T00:00:00Z");
    headers.put(EnvelopeHeaders.CORRELATION_ID, "c");
    return headers;
  }

  static String header(ConsumerRecord<byte[], byte[]> record, String name) {
    var header = record.headers().lastHeader(name);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }

  static String string(byte[] bytes) {
    return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
  }
}
