package dev.domainevents.processor.validation;

import dev.domainevents.spi.Topics;

/**
 * The one check of a topic that carries events, declared or derived: a legal Kafka topic name, and
 * short enough that its retry and dead-letter topics are legal too.
 */
final class EventTopics {
  private EventTopics() {}

  /** Checks {@code topic}, described as {@code what}; returns whether it is legal. */
  static boolean check(String topic, String what, Spot spot) {
    String problem = Topics.problemWith(topic);
    if (problem != null) {
      spot.report(Messages.ILLEGAL_TOPIC, what, problem);
      return false;
    }
    problem = Topics.eventTopicProblem(topic);
    if (problem != null) {
      spot.report(Messages.TOPIC_TOO_LONG, what, problem);
      return false;
    }
    return true;
  }
}
