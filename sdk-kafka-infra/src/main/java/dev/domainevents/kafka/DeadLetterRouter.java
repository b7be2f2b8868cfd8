package dev.domainevents.kafka;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;

/**
 * Moves records that cannot be handled to the dead-letter topic, {@code fail-<original topic>}.
 * The copy's headers say why ({@link EnvelopeHeaders#REASON}), what the handler threw, where the
 * record came from, how many attempts were made and by which consumer group. {@link
 * DeadLetterReplayer} moves them back.
 */
final class DeadLetterRouter {
  static final String HANDLER_FAILED = "handler-failed";

  private final Producer<byte[], byte[]> producer;
  private final String group;
  private final long timeoutMs;

  DeadLetterRouter(Producer<byte[], byte[]> producer, String group, long timeoutMs) {
    this.producer = producer;
    this.group = group;
    this.timeoutMs = timeoutMs;
  }

  static String deadLetterTopic(String originalTopic) {
    return KafkaSettings.DEAD_LETTER_PREFIX + originalTopic;
  }

  /** Sends the dead letter and waits until the broker has it; returns its topic. */
  String route(ConsumerRecord<byte[], byte[]> record, String reason, Throwable error, int attempts)
      throws ExecutionException, InterruptedException, TimeoutException {
    RoutedRecord copy =
        new RoutedRecord(record, group)
            .put(EnvelopeHeaders.REASON, reason)
            .put(EnvelopeHeaders.ATTEMPTS, Integer.toString(attempts))
            .failure(error);
    String topic = deadLetterTopic(copy.originalTopic());
    copy.sendTo(producer, topic, timeoutMs);
    return topic;
  }
}
