package dev.domainevents.kafka;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves records from a dead-letter topic ({@code fail-<topic>}) back to their original topic, once
 * the cause is fixed. Each record keeps its key, value, event id and envelope headers; the routing
 * headers (reason, exception, attempts, original coordinates) are removed, so it is handled like a
 * new delivery. The {@link EnvelopeHeaders#GROUP} header stays, so only the consumer group that
 * dead-lettered the record handles it again; other groups on the topic skip it.
 *
 * <p>A replay reads the records that were in the topic when it began, from where the previous
 * replay of that topic stopped: its position is committed under the consumer group {@code
 * domainevents-replayer} (or {@code group.id} if given), only after the copies are acknowledged.
 *
 * <pre>{@code
 * try (DeadLetterReplayer replayer = DeadLetterReplayer.create(props)) {
 *   long moved = replayer.replay("fail-goods.shopping");
 * }
 * }</pre>
 *
 * <p>From the command line:
 *
 * <pre>
 * java -cp app.jar dev.domainevents.kafka.DeadLetterReplayer \
 *     --bootstrap-servers localhost:9092 --topic fail-goods.shopping [--config client.properties]
 * </pre>
 */
public final class DeadLetterReplayer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DeadLetterReplayer.class);
  private static final String DEFAULT_GROUP = "domainevents-replayer";
  private static final Duration IDLE_LIMIT = Duration.ofSeconds(60);

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final KafkaProducer<byte[], byte[]> producer;

  private DeadLetterReplayer(Properties properties) {
    Map<String, Object> consumerConfig = new HashMap<>();
    Map<String, Object> producerConfig = new HashMap<>();
    for (String key : properties.stringPropertyNames()) {
      String value = properties.getProperty(key);
      if (ConsumerConfig.configNames().contains(key)) {
        consumerConfig.put(key, value);
      }
      if (ProducerConfig.configNames().contains(key)) {
        producerConfig.put(key, value);
      }
    }
    if (!consumerConfig.containsKey(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG)) {
      throw new IllegalArgumentException("bootstrap.servers is required");
    }
    consumerConfig.putIfAbsent(ConsumerConfig.GROUP_ID_CONFIG, DEFAULT_GROUP);
    consumerConfig.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    consumerConfig.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
    producerConfig.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    this.consumer =
        new KafkaConsumer<>(
            consumerConfig, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    this.producer =
        new KafkaProducer<>(producerConfig, new ByteArraySerializer(), new ByteArraySerializer());
  }

  /** A replayer with kafka-clients settings, at least {@code bootstrap.servers}. */
  public static DeadLetterReplayer create(Properties kafkaProperties) {
    Objects.requireNonNull(kafkaProperties, "kafkaProperties");
    return new DeadLetterReplayer(kafkaProperties);
  }

  /**
   * Moves every record of {@code deadLetterTopic} not yet replayed back to its original topic.
   *
   * @return how many records were moved
   * @throws IllegalStateException if a record cannot be sent; what was sent before is committed
   */
  public long replay(String deadLetterTopic) {
    Objects.requireNonNull(deadLetterTopic, "deadLetterTopic");
    List<PartitionInfo> infos = consumer.partitionsFor(deadLetterTopic, Duration.ofSeconds(30));
    if (infos == null || infos.isEmpty()) {
      throw new IllegalArgumentException("topic " + deadLetterTopic + " does not exist");
    }
    List<TopicPartition> partitions = new ArrayList<>();
    for (PartitionInfo info : infos) {
      partitions.add(new TopicPartition(info.topic(), info.partition()));
    }
    consumer.assign(partitions);
    Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
    long moved = 0;
    long idleSince = System.nanoTime();
    while (!reachedEnd(end)) {
      ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(500));
      if (records.isEmpty()) {
        if (System.nanoTime() - idleSince > IDLE_LIMIT.toNanos()) {
          throw new IllegalStateException(
              "no progress replaying " + deadLetterTopic + " for " + IDLE_LIMIT);
        }
        continue;
      }
      idleSince = System.nanoTime();
      List<Future<RecordMetadata>> sent = new ArrayList<>();
      Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
      for (TopicPartition partition : records.partitions()) {
        long limit = end.get(partition);
        for (ConsumerRecord<byte[], byte[]> record : records.records(partition)) {
          if (record.offset() >= limit) {
            break; // arrived after the replay began
          }
          ProducerRecord<byte[], byte[]> copy = original(record);
          if (copy == null) {
            log.warn(
                "{}-{}@{} has no {} header; left in place",
                record.topic(),
                record.partition(),
                record.offset(),
                EnvelopeHeaders.ORIGINAL_TOPIC);
          } else {
            sent.add(producer.send(copy));
          }
          offsets.put(partition, new OffsetAndMetadata(record.offset() + 1));
        }
      }
      producer.flush();
      for (Future<RecordMetadata> future : sent) {
        try {
          future.get(60, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
          throw new IllegalStateException(
              "replaying " + deadLetterTopic + " failed after " + moved + " record(s): " + e, e);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while replaying " + deadLetterTopic, e);
        }
        moved++;
      }
      consumer.commitSync(offsets);
    }
    log.info("replayed {} record(s) from {}", moved, deadLetterTopic);
    return moved;
  }

  private boolean reachedEnd(Map<TopicPartition, Long> end) {
    for (Map.Entry<TopicPartition, Long> partition : end.entrySet()) {
      if (consumer.position(partition.getKey()) < partition.getValue()) {
        return false;
      }
    }
    return true;
  }

  private static ProducerRecord<byte[], byte[]> original(ConsumerRecord<byte[], byte[]> record) {
    String topic = null;
    RecordHeaders headers = new RecordHeaders();
    for (Header header : record.headers()) {
      if (header.key().equals(EnvelopeHeaders.ORIGINAL_TOPIC)) {
        topic = EnvelopeCodec.string(header.value());
      } else if (header.key().equals(EnvelopeHeaders.GROUP)
          || !EnvelopeHeaders.isRouting(header.key())) {
        // The group stays: only the group that failed handles the replayed copy.
        headers.add(header);
      }
    }
    return topic == null
        ? null
        : new ProducerRecord<>(topic, null, record.key(), record.value(), headers);
  }

  @Override
  public void close() {
    consumer.close(CloseOptions.timeout(Duration.ofSeconds(10)));
    producer.close(Duration.ofSeconds(10));
  }

  /**
   * Command line: {@code --bootstrap-servers <servers> --topic <fail-topic> [--config <file>]
   * [--group <id>]}. The config file holds kafka-clients settings, e.g. security ones.
   */
  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    Properties properties = new Properties();
    String topic = null;
    try {
      for (int i = 0; i < args.length; i++) {
        String option = args[i];
        if (i + 1 >= args.length) {
          return usage(err, option + " needs a value");
        }
        String value = args[++i];
        switch (option) {
          case "--bootstrap-servers" ->
              properties.setProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, value);
          case "--topic" -> topic = value;
          case "--group" -> properties.setProperty(ConsumerConfig.GROUP_ID_CONFIG, value);
          case "--config" -> {
            Properties file = new Properties();
            try (InputStream in = Files.newInputStream(Path.of(value))) {
              file.load(in);
            }
            file.stringPropertyNames().forEach(k -> properties.putIfAbsent(k, file.getProperty(k)));
          }
          default -> {
            return usage(err, "unknown option " + option);
          }
        }
      }
    } catch (IOException e) {
      err.println("could not read the config file: " + e.getMessage());
      return 2;
    }
    if (topic == null || !properties.containsKey(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG)) {
      return usage(err, "--bootstrap-servers and --topic are required");
    }
    try (DeadLetterReplayer replayer = create(properties)) {
      long moved = replayer.replay(topic);
      out.println("replayed " + moved + " record(s) from " + topic);
      return 0;
    } catch (RuntimeException e) {
      err.println("replay failed: " + e.getMessage());
      return 1;
    }
  }

  private static int usage(PrintStream err, String problem) {
    err.println(problem);
    err.println(
        "usage: DeadLetterReplayer --bootstrap-servers <host:port> --topic <fail-topic>"
            + " [--config <client.properties>] [--group <id>]");
    return 2;
  }
}
