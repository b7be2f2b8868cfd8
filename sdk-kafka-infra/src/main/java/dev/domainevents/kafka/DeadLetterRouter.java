package dev.domainevents.kafka;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;

/**
 * Moves records that cannot be handled to the dead-letter topic, {@code fail-<original topic>}. The
 * copy's headers say why ({@link EnvelopeHeaders#REASON}), what the handler threw, where the record
 * came from, how many attempts were made and by which consumer group. {@link DeadLetterReplayer}
 * moves them back.
 *
 * <p>A copy that the broker refuses for good (too large for the topic, say) is replaced by a
 * {@linkplain RoutedRecord#stub stub}: the headers without the value, with the reason {@link
 * #TOO_LARGE} or {@link #UNROUTABLE}, so the record is accounted for and its partition moves on.
 */
final class DeadLetterRouter {
  static final String HANDLER_FAILED = "handler-failed";

  /** Stub reason: the full copy was larger than the producer or the topic accepts. */
  static final String TOO_LARGE = "too-large";

  /** Stub reason: the full copy was refused for good for another reason. */
  static final String UNROUTABLE = "unroutable";

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
      throws RoutingException, InterruptedException {
    RoutedRecord copy =
        new RoutedRecord(record, group)
            .put(EnvelopeHeaders.REASON, reason)
            .put(EnvelopeHeaders.ATTEMPTS, Integer.toString(attempts))
            .failure(error);
    String topic = deadLetterTopic(copy.originalTopic());
    copy.sendTo(producer, topic, timeoutMs);
    return topic;
  }

  /**
   * Sends the stub of a record whose full copy was {@code refused}; returns its topic. The
   * exception headers name the refusal and keep, in the message, why the record was routed.
   */
  String routeStub(
      ConsumerRecord<byte[], byte[]> record,
      String reason,
      Throwable error,
      int attempts,
      RoutingException refused)
      throws RoutingException, InterruptedException {
    Throwable cause = refused.getCause();
    RoutedRecord stub =
        RoutedRecord.stub(record, group)
            .put(EnvelopeHeaders.REASON, refused.tooLarge() ? TOO_LARGE : UNROUTABLE)
            .put(EnvelopeHeaders.ATTEMPTS, Integer.toString(attempts))
            .failure(
                cause.getClass().getName(),
                cause.getMessage()
                    + "; the value was dropped. The record was routed for "
                    + reason
                    + (error == null ? "" : ": " + error));
    String topic = deadLetterTopic(stub.originalTopic());
    stub.sendTo(producer, topic, timeoutMs);
    return topic;
  }
}
