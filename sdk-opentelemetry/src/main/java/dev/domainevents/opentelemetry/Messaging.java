package dev.domainevents.opentelemetry;

import io.opentelemetry.api.common.AttributeKey;

/**
 * The attribute keys and values of the OpenTelemetry semantic conventions for messaging spans, as
 * of {@link #SEMCONV_VERSION}. Kept here rather than taken from the incubating semconv artifact,
 * whose alpha versions change their API: the module depends on {@code opentelemetry-api} alone.
 * {@code MessagingTest} checks every key against that artifact at the pinned version.
 */
final class Messaging {
  /** The version of the semantic conventions followed; messaging spans are "development" there. */
  static final String SEMCONV_VERSION = "1.37.0";

  static final AttributeKey<String> SYSTEM = AttributeKey.stringKey("messaging.system");
  static final AttributeKey<String> DESTINATION_NAME =
      AttributeKey.stringKey("messaging.destination.name");
  static final AttributeKey<String> OPERATION_TYPE =
      AttributeKey.stringKey("messaging.operation.type");
  static final AttributeKey<String> OPERATION_NAME =
      AttributeKey.stringKey("messaging.operation.name");
  static final AttributeKey<String> MESSAGE_ID = AttributeKey.stringKey("messaging.message.id");
  static final AttributeKey<String> CONVERSATION_ID =
      AttributeKey.stringKey("messaging.message.conversation_id");
  static final AttributeKey<String> CONSUMER_GROUP =
      AttributeKey.stringKey("messaging.consumer.group.name");
  static final AttributeKey<String> PARTITION =
      AttributeKey.stringKey("messaging.destination.partition.id");
  static final AttributeKey<Long> KAFKA_OFFSET = AttributeKey.longKey("messaging.kafka.offset");
  static final AttributeKey<String> KAFKA_KEY =
      AttributeKey.stringKey("messaging.kafka.message.key");
  static final AttributeKey<Long> BATCH_COUNT =
      AttributeKey.longKey("messaging.batch.message_count");
  static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

  /** {@code messaging.operation.type} (and name) of a producer span. */
  static final String SEND = "send";

  /** {@code messaging.operation.type} (and name) of a consumer span. */
  static final String PROCESS = "process";

  /** The SDK's own attribute on its span events: the delivery attempt, from 1. */
  static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("domainevents.attempt");

  /** The SDK's span event for a delivery that failed and is retried in place. */
  static final String RETRY_EVENT = "domainevents.retry";

  /** The SDK's span event for a delivery moved to the retry destination. */
  static final String RETRY_TOPIC_EVENT = "domainevents.retry_topic";

  /** The SDK's span event for a delivery moved to the dead-letter destination. */
  static final String DEAD_LETTER_EVENT = "domainevents.dead_letter";

  private Messaging() {}

  /**
   * The {@code messaging.system} value of an infra's system name: the conventions' well-known value
   * where one exists ({@code amqp} is RabbitMQ's client), else the infra's own name.
   */
  static String system(String infraSystem) {
    return "amqp".equals(infraSystem) ? "rabbitmq" : infraSystem;
  }

  /** The span name the conventions ask for: the operation, then the destination if known. */
  static String spanName(String operation, String destination) {
    return destination == null || destination.isEmpty() ? operation : operation + ' ' + destination;
  }
}
