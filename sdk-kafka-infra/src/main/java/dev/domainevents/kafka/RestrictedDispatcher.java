package dev.domainevents.kafka;

import dev.domainevents.EventContext;
import dev.domainevents.spi.EventCatalog;
import dev.domainevents.spi.EventDispatcher;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * A dispatcher seen through the topics of one cluster: it answers only for the events and plain
 * topics consumed there. A cluster whose consumers also serve bound handlers ({@link
 * ClusterBoundDispatcher}) indexes the other handlers this way, so that an event they consume on
 * another cluster is not handled by them twice.
 */
record RestrictedDispatcher(
    EventDispatcher delegate, Set<String> events, Map<String, Class<?>> topics)
    implements EventDispatcher {

  /**
   * Returns {@code dispatcher} limited to {@code topics}: itself if all its names are there, {@code
   * null} if none is.
   */
  static EventDispatcher to(EventDispatcher dispatcher, EventCatalog catalog, Set<String> topics) {
    Set<String> events = new LinkedHashSet<>();
    for (String event : dispatcher.events()) {
      String topic = catalog.topicOf(event);
      if (topic != null && topics.contains(topic)) {
        events.add(event);
      }
    }
    Map<String, Class<?>> plain = new LinkedHashMap<>();
    for (Map.Entry<String, Class<?>> topic : dispatcher.topics().entrySet()) {
      if (topics.contains(topic.getKey())) {
        plain.put(topic.getKey(), topic.getValue());
      }
    }
    if (events.isEmpty() && plain.isEmpty()) {
      return null;
    }
    if (events.size() == dispatcher.events().size() && plain.size() == dispatcher.topics().size()) {
      return dispatcher;
    }
    return new RestrictedDispatcher(dispatcher, Set.copyOf(events), Map.copyOf(plain));
  }

  @Override
  public boolean dispatch(EventContext context) throws Exception {
    return (events.contains(context.name()) || topics.containsKey(context.name()))
        && delegate.dispatch(context);
  }
}
