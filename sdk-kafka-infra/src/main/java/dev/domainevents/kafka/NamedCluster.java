package dev.domainevents.kafka;

import dev.domainevents.EventEnvelope;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * One of a {@link KafkaInfra}'s named clusters, from {@link KafkaInfra#cluster(String)}: publish
 * here instead of the default cluster. Obtaining it validates the name, so get it at startup.
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

  /** Starts a plain message to {@code topic} on this cluster. */
  public TopicMessage message(String topic, Object payload) {
    return infra.message(topic, payload).cluster(name);
  }

  @Override
  public String toString() {
    return "NamedCluster[" + name + "]";
  }
}
