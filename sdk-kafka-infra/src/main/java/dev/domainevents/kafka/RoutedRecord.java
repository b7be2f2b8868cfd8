package dev.domainevents.kafka;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * A copy of a consumed record for a retry or dead-letter topic: the same key, value and headers,
 * with the routing headers replaced. The original coordinates are those of the first topic the
 * record was published to, kept across any number of retry rounds.
 *
 * <p>A {@linkplain #stub stub} is the copy that goes to the dead-letter topic when the full copy
 * was refused for good (e.g. too large): the routing headers and the SDK's envelope headers, each
 * bounded, and no value.
 */
final class RoutedRecord {
  /** A stub keeps the key and each envelope header only up to this many bytes. */
  static final int STUB_FIELD_MAX_BYTES = 1_024;

  private static final int EXCEPTION_MESSAGE_MAX_CHARS = 2_000;

  private final ConsumerRecord<byte[], byte[]> source;
  private final RecordHeaders headers = new RecordHeaders();
  private final String originalTopic;
  private final boolean stub;

  RoutedRecord(ConsumerRecord<byte[], byte[]> source, String group) {
    this(source, group, false);
  }

  private RoutedRecord(ConsumerRecord<byte[], byte[]> source, String group, boolean stub) {
    this.source = source;
    this.stub = stub;
    String topic = null;
    String partition = null;
    String offset = null;
    for (Header header : source.headers()) {
      switch (header.key()) {
        case EnvelopeHeaders.ORIGINAL_TOPIC -> topic = EnvelopeCodec.string(header.value());
        case EnvelopeHeaders.ORIGINAL_PARTITION -> partition = EnvelopeCodec.string(header.value());
        case EnvelopeHeaders.ORIGINAL_OFFSET -> offset = EnvelopeCodec.string(header.value());
        default -> {
          if (!EnvelopeHeaders.isRouting(header.key()) && (!stub || fitsStub(header))) {
            headers.add(header);
          }
        }
      }
    }
    // Original coordinates are trusted only on the retry topic of that very topic, and only when
    // whole: a record elsewhere that claims another origin is routed as what it is.
    boolean trusted =
        topic != null
            && source.topic().equals(RetryTopicRouter.retryTopic(topic))
            && isNumber(partition)
            && isNumber(offset);
    if (!trusted) {
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

  /** The stub of {@code source}: routing and envelope headers, a bounded key, no value. */
  static RoutedRecord stub(ConsumerRecord<byte[], byte[]> source, String group) {
    return new RoutedRecord(source, group, true);
  }

  private static boolean fitsStub(Header header) {
    return header.key().startsWith(EnvelopeHeaders.PREFIX)
        && (header.value() == null || header.value().length <= STUB_FIELD_MAX_BYTES);
  }

  private static boolean isNumber(String value) {
    if (value == null || value.isEmpty() || value.length() > 19) {
      return false;
    }
    for (int i = 0; i < value.length(); i++) {
      if (value.charAt(i) < '0' || value.charAt(i) > '9') {
        return false;
      }
    }
    return true;
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
    return error == null ? this : failure(error.getClass().getName(), error.getMessage());
  }

  RoutedRecord failure(String exceptionClass, String message) {
    put(EnvelopeHeaders.EXCEPTION_CLASS, exceptionClass);
    put(
        EnvelopeHeaders.EXCEPTION_MESSAGE,
        message == null ? "" : EnvelopeCodec.excerpt(message, EXCEPTION_MESSAGE_MAX_CHARS));
    return this;
  }

  /**
   * Sends the copy to {@code topic} and waits for the broker's acknowledgement: the consumer may
   * commit past the source record only once its copy is safe.
   *
   * @throws RoutingException if the copy was not sent, saying whether it ever could be
   */
  void sendTo(Producer<byte[], byte[]> producer, String topic, long timeoutMs)
      throws RoutingException, InterruptedException {
    byte[] key = source.key();
    if (stub && key != null && key.length > STUB_FIELD_MAX_BYTES) {
      key = null;
    }
    ProducerRecord<byte[], byte[]> copy =
        new ProducerRecord<>(topic, null, key, stub ? null : source.value(), headers);
    try {
      producer.send(copy).get(timeoutMs, TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException | KafkaException e) {
      // KafkaException: what send() throws itself rather than through the future.
      throw RoutingException.of(e);
    }
  }
}
