package dev.domainevents.amqp;

import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import dev.domainevents.EventType;
import dev.domainevents.spi.EventNames;
import dev.domainevents.spi.Topics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The one naming rule of the AMQP topology, and its declaration.
 *
 * <ul>
 *   <li>an event is published to a durable topic exchange named after its topic ({@link
 *       EventType#topic()}), which is one per aggregate type by default: {@code Goods} → {@code
 *       goods}, {@code IODevice} → {@code io-device}, as on Kafka;
 *   <li>an event's routing key is its name in the same lower-case form, aggregate and action joined
 *       by a dot: {@code Goods:Shopping} → {@code goods.shopping}, so a binding such as {@code
 *       goods.#} takes every event of an aggregate; plain messages go to the {@code messages}
 *       exchange with their topic as the routing key;
 *   <li>a service consumes from one durable quorum queue named after it, {@code <service>}, bound
 *       to the routing keys of the events and topics its handlers take; its retry queue is {@code
 *       retry-<service>} and its dead-letter queue {@code fail-<service>}.
 * </ul>
 *
 * <p>AMQP limits exchange and queue names and routing keys to 255 bytes. Topics are at most 249
 * ASCII characters ({@link Topics}), and a service name follows the topic rule too, so {@code
 * retry-<service>} is at most 255 bytes. Names starting with {@code amq.} are the broker's.
 */
final class AmqpTopology {
  /** AMQP's limit on a short string: exchange and queue names, routing keys. */
  static final int MAX_NAME_BYTES = 255;

  static final String RETRY_PREFIX = "retry-";
  static final String DEAD_LETTER_PREFIX = "fail-";

  private AmqpTopology() {}

  /** The exchange of the events of {@code type}: its topic, by default its aggregate's. */
  static String exchange(EventType<?> type) {
    return exchange(type.topic());
  }

  /** The exchange of the events published to {@code topic}. */
  static String exchange(String topic) {
    return topic;
  }

  /**
   * The routing key of the events of {@code type}: {@code Goods:Shopping} → {@code goods.shopping}.
   */
  static String routingKey(EventType<?> type) {
    String name = type.name();
    int colon = name.indexOf(EventNames.SEPARATOR);
    return Topics.kebab(name.substring(0, colon)) + "." + Topics.kebab(name.substring(colon + 1));
  }

  static String retryQueue(String service) {
    return RETRY_PREFIX + service;
  }

  static String deadLetterQueue(String service) {
    return DEAD_LETTER_PREFIX + service;
  }

  /** Returns why {@code service} cannot name a service's queues, or {@code null} if it can. */
  static String serviceProblem(String service) {
    String problem = Topics.problemWith(service);
    if (problem != null) {
      return problem.replace("topic", "service");
    }
    if (retryQueue(service).getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
      return "its retry queue retry-"
          + service.substring(0, 20)
          + "... would be longer than AMQP's "
          + MAX_NAME_BYTES
          + " bytes; a service name has at most "
          + (MAX_NAME_BYTES - RETRY_PREFIX.length())
          + " characters";
    }
    return service.startsWith("amq.") ? "names starting with amq. are reserved" : null;
  }

  /** Returns why {@code exchange} cannot be one of ours, or {@code null} if it can. */
  static String exchangeProblem(String exchange) {
    String problem = Topics.problemWith(exchange);
    if (problem != null) {
      return problem.replace("topic", "exchange");
    }
    return exchange.startsWith("amq.") ? "names starting with amq. are reserved" : null;
  }

  /** Declares the durable topic exchange {@code exchange}; idempotent. */
  static void declareExchange(Channel channel, String exchange) throws IOException {
    channel.exchangeDeclare(exchange, BuiltinExchangeType.TOPIC, true);
  }

  /**
   * Declares a service's three queues and binds its queue to {@code bindings} (exchange → routing
   * keys). Quorum queues, so that messages survive a node's loss and a redelivery is counted:
   *
   * <ul>
   *   <li>{@code <service>}: a delivery limit, after which the broker dead-letters a message to
   *       {@code fail-<service>} (at least once), so a message whose consumer crashes each time
   *       cannot loop forever; in ordered mode, a single active consumer;
   *   <li>{@code retry-<service>}: holds a message for the retry delay, then dead-letters it back
   *       to {@code <service>};
   *   <li>{@code fail-<service>}: keeps dead letters until someone looks at them.
   * </ul>
   *
   * Declaring a queue that exists with other arguments fails (PRECONDITION_FAILED): changing the
   * ordered mode, the delay or the delivery limit of a service needs its queues deleted first.
   */
  static void declareService(
      Channel channel, AmqpSettings settings, Map<String, Set<String>> bindings)
      throws IOException {
    String service = settings.service;
    String deadLetters = deadLetterQueue(service);
    channel.queueDeclare(deadLetters, true, false, false, quorum());

    Map<String, Object> main = quorum();
    main.put("x-delivery-limit", settings.deliveryLimit);
    deadLetterTo(main, deadLetters);
    if (settings.ordered) {
      main.put("x-single-active-consumer", true);
    }
    channel.queueDeclare(service, true, false, false, main);

    if (!settings.ordered && settings.retryQueueRounds > 0) {
      Map<String, Object> retry = quorum();
      retry.put("x-message-ttl", settings.retryQueueDelayMs);
      deadLetterTo(retry, service);
      channel.queueDeclare(retryQueue(service), true, false, false, retry);
    }
    for (Map.Entry<String, Set<String>> exchange : bindings.entrySet()) {
      declareExchange(channel, exchange.getKey());
      for (String routingKey : exchange.getValue()) {
        channel.queueBind(service, exchange.getKey(), routingKey);
      }
    }
  }

  /** The bindings of a service: each handled event's exchange and routing key, and plain topics. */
  static Map<String, Set<String>> bindings(
      Iterable<EventType<?>> events, Iterable<String> plainTopics, String messagesExchange) {
    Map<String, Set<String>> bindings = new LinkedHashMap<>();
    for (EventType<?> type : events) {
      bindings.computeIfAbsent(exchange(type), e -> new LinkedHashSet<>()).add(routingKey(type));
    }
    for (String topic : plainTopics) {
      bindings.computeIfAbsent(messagesExchange, e -> new LinkedHashSet<>()).add(topic);
    }
    return bindings;
  }

  private static Map<String, Object> quorum() {
    Map<String, Object> arguments = new HashMap<>();
    arguments.put("x-queue-type", "quorum");
    return arguments;
  }

  private static void deadLetterTo(Map<String, Object> arguments, String queue) {
    // Through the default exchange, straight to the queue; at-least-once dead-lettering needs
    // the queue to reject publishes when full rather than drop its oldest messages.
    arguments.put("x-dead-letter-exchange", "");
    arguments.put("x-dead-letter-routing-key", queue);
    arguments.put("x-dead-letter-strategy", "at-least-once");
    arguments.put("x-overflow", "reject-publish");
  }
}
