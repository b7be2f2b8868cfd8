package dev.domainevents.amqp;

import dev.domainevents.EventEnvelope;
import dev.domainevents.spi.Envelopes;
import dev.domainevents.spi.Topics;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * A plain message with a routing key, built by {@link AmqpInfra#message(String, Object)}: an
 * integration message rather than an entity's domain event. Its envelope's name is the routing key,
 * a legal topic; correlation, causation and {@code traceparent} come from the current {@code
 * EventScope}. Handlers bind to it with {@code @EventHandler(topic = "...")}. Not thread-safe;
 * publish once.
 */
public final class ExchangeMessage {
  private final AmqpInfra infra;
  private final String topic;
  private final Object payload;
  private final Map<String, String> headers = new HashMap<>();
  private String key;
  private String exchange;

  ExchangeMessage(AmqpInfra infra, String topic, Object payload, String exchange) {
    Objects.requireNonNull(topic, "topic");
    this.payload = Objects.requireNonNull(payload, "payload");
    this.infra = infra;
    this.topic = topic;
    this.exchange = exchange;
    String problem = Topics.problemWith(topic);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
  }

  /** Adds a header; names starting with {@code de-} are reserved. */
  public ExchangeMessage header(String name, String value) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(value, "value");
    if (name.startsWith(AmqpHeaders.PREFIX)) {
      throw new IllegalArgumentException(
          "header \"" + name + "\" uses the reserved prefix \"" + AmqpHeaders.PREFIX + "\"");
    }
    headers.put(name, value);
    return this;
  }

  /** Sets the message's key, carried as its aggregate id. */
  public ExchangeMessage key(String key) {
    this.key = Objects.requireNonNull(key, "key");
    return this;
  }

  /**
   * Publishes to {@code exchange} instead of {@code domainevents.messages.exchange}. The exchange
   * is declared as a durable topic exchange unless it exists already.
   */
  public ExchangeMessage exchange(String exchange) {
    Objects.requireNonNull(exchange, "exchange");
    String problem = AmqpTopology.exchangeProblem(exchange);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    this.exchange = exchange;
    return this;
  }

  /** Publishes the message; the future completes when RabbitMQ confirmed it. */
  public CompletableFuture<Void> publish() {
    EventEnvelope envelope = Envelopes.message(topic, key, payload, headers);
    return infra.publishTo(exchange, List.of(envelope));
  }

  /** Publishes the message and blocks until RabbitMQ confirmed it. */
  public void publishAndWait() {
    AmqpInfra.await(publish());
  }
}
