package dev.domainevents.kafka;

import dev.domainevents.EventContext;
import dev.domainevents.spi.EventCatalog;
import dev.domainevents.spi.EventDispatcher;
import java.util.Map;
import java.util.Set;

/**
 * A handler that consumes from one named cluster, from {@link NamedCluster#handler(Object)}. Its
 * generated dispatcher is found when the {@link KafkaInfra} starts, with the catalog it starts
 * with; the infra then runs that handler on the cluster's own consumers, in the cluster's group.
 */
final class ClusterBoundDispatcher implements EventDispatcher {
  private final String cluster;
  private final Object handler;
  private volatile EventDispatcher delegate;

  ClusterBoundDispatcher(String cluster, Object handler) {
    this.cluster = cluster;
    this.handler = handler;
    if (handler instanceof EventDispatcher dispatcher) {
      this.delegate = dispatcher;
    }
  }

  String cluster() {
    return cluster;
  }

  /** Finds the generated dispatcher of the handler in {@code catalog}. */
  void resolve(EventCatalog catalog) {
    if (delegate == null) {
      delegate = catalog.dispatcherFor(handler);
    }
  }

  private EventDispatcher delegate() {
    EventDispatcher current = delegate;
    if (current == null) {
      throw new IllegalStateException(
          "a handler bound to Kafka cluster \""
              + cluster
              + "\" ("
              + handler.getClass().getName()
              + ") is subscribed to an infra other than the KafkaInfra that named the cluster;"
              + " install it with that KafkaInfra");
    }
    return current;
  }

  @Override
  public Set<String> events() {
    return delegate().events();
  }

  @Override
  public Map<String, Class<?>> topics() {
    return delegate().topics();
  }

  @Override
  public boolean dispatch(EventContext context) throws Exception {
    return delegate().dispatch(context);
  }

  @Override
  public String toString() {
    return handler.getClass().getSimpleName() + "@" + cluster;
  }
}
