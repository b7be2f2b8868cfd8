package dev.domainevents.kafka;

/**
 * The Kafka record headers that carry an event's envelope, and those added when a record is routed
 * to a retry or dead-letter topic. Every {@code de-} header name the SDK uses is defined here,
 * once; in {@link WireFormat#CLOUDEVENTS} the envelope travels in CloudEvents headers instead, and
 * the routing headers stay these.
 *
 * <p>Values are UTF-8 strings. A record's key is the aggregate id and its value the payload as
 * JSON. The user's own headers travel next to these, under their own names; the {@code de-} prefix
 * is reserved for the SDK. A W3C {@code traceparent} travels as a user header.
 *
 * <p>The routing headers that steer a retry ({@link #ATTEMPTS}, {@link #RETRY_ROUND}, {@link
 * #RETRY_AT} and the {@code de-original-} coordinates) are honoured only on {@code retry-} topics,
 * where the SDK writes them; on any other topic a consumer dead-letters the record as malformed.
 * {@link #GROUP} is honoured on every topic, since replayed dead letters carry it.
 */
public final class EnvelopeHeaders {
  /** The prefix of every SDK header; other headers are the user's. */
  public static final String PREFIX = "de-";

  /** The event id, a UUID (version 7 when raised by the SDK). Required. */
  public static final String EVENT_ID = "de-event-id";

  /** The event name, {@code Entity:Method}, or the topic of a plain message. Required. */
  public static final String EVENT_NAME = "de-event-name";

  /** The entity's simple name; empty for a plain message. */
  public static final String AGGREGATE_TYPE = "de-aggregate-type";

  /** The aggregate id, also the record key. */
  public static final String AGGREGATE_ID = "de-aggregate-id";

  /** When the event was raised, ISO-8601 ({@link java.time.Instant#toString()}). Required. */
  public static final String OCCURRED_AT = "de-occurred-at";

  /** The correlation id of the flow. Required. */
  public static final String CORRELATION_ID = "de-correlation-id";

  /** The id of the event whose handler raised this one; absent when none did. */
  public static final String CAUSATION_ID = "de-causation-id";

  /** The payload's schema version, a positive integer; 1 when absent. */
  public static final String SCHEMA_VERSION = "de-schema-version";

  /** The payload's media type, always {@code application/json}. */
  public static final String CONTENT_TYPE = "content-type";

  /** The value of {@link #CONTENT_TYPE}. */
  public static final String JSON = "application/json";

  /** Routing: the topic the record was first published to. */
  public static final String ORIGINAL_TOPIC = "de-original-topic";

  /** Routing: the partition of the record in {@link #ORIGINAL_TOPIC}. */
  public static final String ORIGINAL_PARTITION = "de-original-partition";

  /** Routing: the offset of the record in {@link #ORIGINAL_TOPIC}. */
  public static final String ORIGINAL_OFFSET = "de-original-offset";

  /** Routing: the consumer group whose handler failed; only that group consumes the copy. */
  public static final String GROUP = "de-group";

  /** Routing: how many times the handler was called, in total. */
  public static final String ATTEMPTS = "de-attempts";

  /** Routing: how many times the record went through the retry topic. */
  public static final String RETRY_ROUND = "de-retry-round";

  /**
   * Routing: epoch milliseconds before which a retry-topic record must not be handled. A consumer
   * waits at most its configured retry delay from when it reads the record.
   */
  public static final String RETRY_AT = "de-retry-at";

  /** Dead letter: the class of the exception the handler threw, absent for poison records. */
  public static final String EXCEPTION_CLASS = "de-exception-class";

  /** Dead letter: the message of that exception. */
  public static final String EXCEPTION_MESSAGE = "de-exception-message";

  /** Dead letter: why the record is here, e.g. {@code handler-failed} or {@code invalid-json}. */
  public static final String REASON = "de-reason";

  private EnvelopeHeaders() {}

  /** Returns whether {@code name} is a routing header, which replay strips. */
  static boolean isRouting(String name) {
    switch (name) {
      case ORIGINAL_TOPIC:
      case ORIGINAL_PARTITION:
      case ORIGINAL_OFFSET:
      case GROUP:
      case ATTEMPTS:
      case RETRY_ROUND:
      case RETRY_AT:
      case EXCEPTION_CLASS:
      case EXCEPTION_MESSAGE:
      case REASON:
        return true;
      default:
        return false;
    }
  }
}
