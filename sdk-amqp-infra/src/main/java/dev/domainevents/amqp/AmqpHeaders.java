package dev.domainevents.amqp;

/**
 * The AMQP message headers that carry an event's envelope beside the message properties, and those
 * added when a message goes to the retry or dead-letter queue. Names match the Kafka infra's.
 *
 * <p>The properties carry the rest: {@code message-id} is the event id, {@code correlation-id} the
 * correlation id, {@code type} the event name (or a plain message's topic), {@code timestamp} the
 * second the event occurred, {@code content-type} {@code application/json}, and every message is
 * persistent. The user's own headers travel next to these under their own names; the {@code de-}
 * prefix is the SDK's.
 */
public final class AmqpHeaders {
  /** The prefix of every SDK header; other headers are the user's. */
  public static final String PREFIX = "de-";

  /** The entity's simple name; empty for a plain message. */
  public static final String AGGREGATE_TYPE = "de-aggregate-type";

  /** The aggregate id; absent for a plain message without a key. */
  public static final String AGGREGATE_ID = "de-aggregate-id";

  /** When the event was raised, ISO-8601 with full precision. Required. */
  public static final String OCCURRED_AT = "de-occurred-at";

  /** The id of the event whose handler raised this one; absent when none did. */
  public static final String CAUSATION_ID = "de-causation-id";

  /** The payload's schema version, a positive integer; 1 when absent. */
  public static final String SCHEMA_VERSION = "de-schema-version";

  /** Routing: the exchange the message was first published to. */
  public static final String ORIGINAL_EXCHANGE = "de-original-exchange";

  /** Routing: the routing key it was first published with. */
  public static final String ORIGINAL_ROUTING_KEY = "de-original-routing-key";

  /** Routing: how many times the handler was called, in total. */
  public static final String ATTEMPTS = "de-attempts";

  /** Routing: how many times the message went through the retry queue. */
  public static final String RETRY_ROUND = "de-retry-round";

  /** Dead letter: the service whose handler failed. */
  public static final String SERVICE = "de-service";

  /** Dead letter: why the message is here, e.g. {@code handler-failed} or {@code invalid-json}. */
  public static final String REASON = "de-reason";

  /** Dead letter: the class of the exception the handler threw, absent for poison messages. */
  public static final String EXCEPTION_CLASS = "de-exception-class";

  /** Dead letter: the message of that exception, or what is wrong with a poison message. */
  public static final String EXCEPTION_MESSAGE = "de-exception-message";

  private AmqpHeaders() {}
}
