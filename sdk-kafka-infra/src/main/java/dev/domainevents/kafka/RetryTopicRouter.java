package dev.domainevents.kafka;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;

/**
 * Moves a record whose handler kept failing to the retry topic, {@code retry-<original topic>}, to
 * be handled again after a delay without blocking its partition. The copy carries the time it is
 * due ({@link EnvelopeHeaders#RETRY_AT}), the round, the attempts so far and the consumer group:
 * only that group handles it.
 *
 * <p>A retried record is handled after records published later to its partition: non-blocking retry
 * gives up per-aggregate order. Use the ordered mode where order matters.
 */
final class RetryTopicRouter {
  private final Producer<byte[], byte[]> producer;
  private final String group;
  private final long delayMs;
  private final long timeoutMs;

  RetryTopicRouter(Producer<byte[], byte[]> producer, String group, long delayMs, long timeoutMs) {
    this.producer = producer;
    this.group = group;
    this.delayMs = delayMs;
    this.timeoutMs = timeoutMs;
  }

  static String retryTopic(String originalTopic) {
    return KafkaSettings.RETRY_TOPIC_PREFIX + originalTopic;
  }

  /** Sends the retry copy and waits until the broker has it; returns its topic. */
  String route(ConsumerRecord<byte[], byte[]> record, Throwable error, int attempts, int round)
      throws RoutingException, InterruptedException {
    RoutedRecord copy =
        new RoutedRecord(record, group)
            .put(EnvelopeHeaders.ATTEMPTS, Integer.toString(attempts))
            .put(EnvelopeHeaders.RETRY_ROUND, Integer.toString(round))
            .put(EnvelopeHeaders.RETRY_AT, Long.toString(System.currentTimeMillis() + delayMs))
            .failure(error);
    String topic = retryTopic(copy.originalTopic());
    copy.sendTo(producer, topic, timeoutMs);
    return topic;
  }
}
