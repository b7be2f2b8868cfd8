package dev.domainevents;

/**
 * One delivery of an event to this service's handlers, with where it came from: what {@link
 * EventInterceptor}s see. Infra that has no partitions or offsets answers {@code -1}.
 */
public interface Delivery extends EventContext {
  /**
   * The infra that delivered it, e.g. {@code kafka}, {@code amqp}, {@code http}, {@code memory}.
   */
  String system();

  /** Where it was read from: the Kafka topic, the AMQP queue, the HTTP route. */
  String destination();

  /** The consumer group, queue or service that consumes it, or {@code null} when there is none. */
  String consumerGroup();

  /** The partition it was read from, or {@code -1}. */
  int partition();

  /** Its offset in that partition, or {@code -1}. */
  long offset();

  /** Returns a delivery of {@code context} with no partition or offset. */
  static Delivery of(EventContext context, String system, String destination, String group) {
    return new SimpleDelivery(
        context.envelope(), context.attempt(), system, destination, group, -1, -1);
  }

  /** Returns a delivery with every field given. */
  static Delivery of(
      EventEnvelope envelope,
      int attempt,
      String system,
      String destination,
      String group,
      int partition,
      long offset) {
    return new SimpleDelivery(envelope, attempt, system, destination, group, partition, offset);
  }
}
