package dev.domainevents.kafka;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * A copy of a consumed record for a retry or dead-letter topic: the same key, value and headers,
 * with the routing headers replaced. The original coordinates are those of the first topic the
 * record was published to, kept across any number of retry rounds.
 */
final class RoutedRecord {
  private final ConsumerRecord<byte[], byte[]> source;
  private final RecordHeaders headers = new RecordHeaders();
  private final String originalTopic;

  RoutedRecord(ConsumerRecord<byte[], byte[]> source, String group) {
    this.source = source;
    String topic = null;
    String partition = null;
    String offset = null;
    for (Header header : source.headers()) {
      switch (header.key()) {
        case EnvelopeHeaders.ORIGINAL_TOPIC -> topic = EnvelopeCodec.string(header.value());
        case EnvelopeHeaders.ORIGINAL_PARTITION -> partition = EnvelopeCodec.string(header.value());
        case EnvelopeHeaders.ORIGINAL_OFFSET -> offset = EnvelopeCodec.string(header.value());
        default -> {
          if (!EnvelopeHeaders.isRouting(header.key())) {
            headers.add(header);
          }
        }
      }
    }
    if (topic == null) {
      topic = source.topic();
      partition = Integer.toString(source.partition());
      offset = Long.toString(source.offset());
    }
    this.originalTopic = topic;
    put(EnvelopeHeaders.ORIGINAL_TOPIC, topic);
    put(EnvelopeHeaders.ORIGINAL_PARTITION, partition);
    put(EnvelopeHeaders.ORIGINAL_OFFSET, offset);
    put(EnvelopeHeaders.GROUP, group);
  }

  /** The topic the record was first published to. */
  String originalTopic() {
    return originalTopic;
  }

  RoutedRecord put(String header, String value) {
    if (value != null) {
      headers.add(header, EnvelopeCodec.bytes(value));
    }
    return this;
  }

  RoutedRecord failure(Throwable error) {
    if (error != null) {
      put(EnvelopeHeaders.EXCEPTION_CLASS, error.getClass().getName());
      String message = error.getMessage();
      put(EnvelopeHeaders.EXCEPTION_MESSAGE, message == null ? "" : truncate(message, 2_000));
    }
    return this;
  }

  /**
   * Sends the copy to {@code topic} and waits for the broker's acknowledgement: the consumer may
   * commit past the source record only once its copy is safe.
   */
  void sendTo(Producer<byte[], byte[]> producer, String topic, long timeoutMs)
      throws ExecutionException, InterruptedException, TimeoutException {
    ProducerRecord<byte[], byte[]> copy =
        new ProducerRecord<>(topic, null, source.key(), source.value(), headers);
    producer.send(copy).get(timeoutMs, TimeUnit.MILLISECONDS);
  }

  private static String truncate(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max) + "...";
  }
}
