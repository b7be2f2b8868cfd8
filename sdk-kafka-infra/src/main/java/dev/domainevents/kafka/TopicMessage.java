package dev.domainevents.kafka;

import dev.domainevents.EventEnvelope;
import dev.domainevents.EventScope;
import dev.domainevents.spi.Envelopes;
import dev.domainevents.spi.Topics;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * A plain message to a named topic, built by {@link KafkaInfra#message(String, Object)}: an
 * integration message rather than an entity's domain event. Its envelope's name is the topic and
 * its aggregate type is empty; correlation, causation and {@code traceparent} come from the current
 * {@link EventScope}, as for domain events. Handlers bind to it with {@code @EventHandler(topic =
 * "...")}. Not thread-safe; publish once.
 */
public final class TopicMessage {
  private final KafkaInfra infra;
  private final String topic;
  private final Object payload;
  private final Map<String, String> headers = new HashMap<>();
  private String key;
  private String cluster;

  TopicMessage(KafkaInfra infra, String topic, Object payload) {
    Objects.requireNonNull(topic, "topic");
    this.payload = Objects.requireNonNull(payload, "payload");
    String problem = Topics.problemWith(topic);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    this.infra = infra;
    this.topic = topic;
  }

  /** Adds a header; names starting with {@code de-} are reserved. */
  public TopicMessage header(String name, String value) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(value, "value");
    if (name.startsWith(EnvelopeHeaders.PREFIX)) {
      throw new IllegalArgumentException(
          "header \"" + name + "\" uses the reserved prefix \"" + EnvelopeHeaders.PREFIX + "\"");
    }
    headers.put(name, value);
    return this;
  }

  /** Adds every header of {@code headers}. */
  public TopicMessage headers(Map<String, String> headers) {
    Objects.requireNonNull(headers, "headers").forEach(this::header);
    return this;
  }

  /** Sets the record key; messages with one key keep their order. No key spreads them. */
  public TopicMessage key(String key) {
    this.key = Objects.requireNonNull(key, "key");
    return this;
  }

  /**
   * Publishes to the named cluster instead of the default one.
   *
   * @throws IllegalArgumentException at once if no cluster has that name
   */
  public TopicMessage cluster(String name) {
    Objects.requireNonNull(name, "name");
    infra.requireClusterName(name);
    this.cluster = name;
    return this;
  }

  /** The envelope this message is published as. */
  EventEnvelope envelope() {
    return Envelopes.message(topic, key, payload, headers);
  }

  /** Publishes the message; the future completes when the broker acknowledged it. */
  public CompletableFuture<Void> publish() {
    return infra.publishTo(cluster, List.of(envelope()));
  }

  /** Publishes the message and blocks until the broker acknowledged it. */
  public void publishAndWait() {
    KafkaInfra.await(publish());
  }
}
