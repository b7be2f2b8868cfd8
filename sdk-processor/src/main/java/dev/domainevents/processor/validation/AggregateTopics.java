package dev.domainevents.processor.validation;

import dev.domainevents.spi.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.TypeElement;

/**
 * Decides the topic of each event an entity raises: its {@code @RaisesEvent(topic = ...)}, else the
 * entity's {@code @EventTopic}, else the default topic of the aggregate type ({@link
 * Topics#defaultTopic}). One topic per aggregate is what keeps an aggregate's events in the order
 * raised, so a split is reported as {@link Messages#SPLIT_AGGREGATE}, a warning.
 */
final class AggregateTopics {
  private final ValidationContext context;

  AggregateTopics(ValidationContext context) {
    this.context = context;
  }

  /**
   * Returns {@code events} with every topic decided, or {@code null} if the entity's topic is
   * illegal (reported).
   */
  List<RaisedEvent> resolve(TypeElement entity, List<RaisedEvent> events, List<Raise> raises) {
    if (events.isEmpty()) {
      return events;
    }
    String entityTopic = declaredTopic(entity);
    if (entityTopic == null) {
      return null;
    }
    if (entityTopic.isEmpty()) {
      entityTopic = Topics.defaultTopic(events.get(0).name());
      if (!EventTopics.check(
          entityTopic,
          "the default topic of \"" + events.get(0).name() + "\"",
          spotOf(events.get(0).name(), raises, false))) {
        return null;
      }
    }
    List<RaisedEvent> resolved = new ArrayList<>(events.size());
    for (RaisedEvent event : events) {
      String topic = event.topic() == null ? entityTopic : event.topic();
      resolved.add(
          new RaisedEvent(
              event.name(), event.methodName(), event.payload(), topic, event.version()));
    }
    for (RaisedEvent event : resolved) {
      if (event.topic().equals(entityTopic)) {
        continue;
      }
      Set<String> others = new TreeSet<>();
      for (RaisedEvent other : resolved) {
        if (!other.topic().equals(event.topic())) {
          others.add(other.topic());
        }
      }
      if (!others.isEmpty()) {
        spotOf(event.name(), raises, true)
            .report(
                Messages.SPLIT_AGGREGATE,
                event.name(),
                event.topic(),
                entity.getSimpleName(),
                String.join(", ", others));
      }
    }
    return resolved;
  }

  /** The entity's {@code @EventTopic}, empty if none, or {@code null} if it is illegal. */
  private String declaredTopic(TypeElement entity) {
    if (context.eventTopicType == null) {
      return "";
    }
    AnnotationMirror mirror = Annotations.find(entity, context.eventTopicType);
    if (mirror == null) {
      return "";
    }
    AnnotationValue value = Annotations.value(mirror, "value");
    String topic = String.valueOf(value.getValue());
    boolean legal =
        EventTopics.check(topic, "\"" + topic + "\"", Spot.at(context, entity, mirror, value));
    return legal ? topic : null;
  }

  /** Where {@code name} is raised: its declaration with a topic, if asked for, else its first. */
  private static Spot spotOf(String name, List<Raise> raises, boolean withTopic) {
    Spot first = null;
    for (Raise raise : raises) {
      if (raise.name().equals(name)) {
        if (!withTopic || raise.topic() != null) {
          return raise.spot();
        }
        if (first == null) {
          first = raise.spot();
        }
      }
    }
    return first;
  }
}
