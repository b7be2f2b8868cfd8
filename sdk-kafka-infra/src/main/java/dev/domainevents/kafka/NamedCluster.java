package dev.domainevents.kafka;

import dev.domainevents.EventEnvelope;
import dev.domainevents.spi.EventDispatcher;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * One of a {@link KafkaInfra}'s named clusters, from {@link KafkaInfra#cluster(String)}: publish
 * here instead of the default cluster, or bind a handler to consume from here. Obtaining it
 * validates the name, so get it at startup.
 */
public final class NamedCluster {
  private final KafkaInfra infra;
  private final String name;

  NamedCluster(KafkaInfra infra, String name) {
    this.infra = infra;
    this.name = name;
  }

  /** The cluster's name. */
  public String name() {
    return name;
  }

  /** Publishes {@code events} to this cluster; see {@link KafkaInfra#publish(List)}. */
  public CompletableFuture<Void> publish(List<EventEnvelope> events) {
    Objects.requireNonNull(events, "events");
    return infra.publishTo(name, events);
  }

  /** Publishes to this cluster and blocks until every event is acknowledged. */
  public void publishAndWait(List<EventEnvelope> events) {
    KafkaInfra.await(publish(events));
  }

  /**
   * Binds {@code handler} to this cluster: it consumes the topics of its events from this cluster,
   * by the cluster's own consumers in the cluster's group ({@code clusters.<name>.group.id}),
   * instead of from the cluster each topic is routed to. Install what this returns in place of the
   * handler:
   *
   * <pre>{@code
   * DomainEvents.install(kafka, new StoreController(stock), kafka.cluster("eu").handler(new Audit()));
   * }</pre>
   *
   * @param handler an object with {@code @EventHandler} methods, or a dispatcher
   * @return a dispatcher for this cluster, to install with this cluster's {@link KafkaInfra}; its
   *     generated dispatcher is found when the infra starts
   */
  public EventDispatcher handler(Object handler) {
    Objects.requireNonNull(handler, "handler");
    return new ClusterBoundDispatcher(name, handler);
  }

  /** Starts a plain message to {@code topic} on this cluster. */
  public TopicMessage message(String topic, Object payload) {
    return infra.message(topic, payload).cluster(name);
  }

  @Override
  public String toString() {
    return "NamedCluster[" + name + "]";
  }
}
