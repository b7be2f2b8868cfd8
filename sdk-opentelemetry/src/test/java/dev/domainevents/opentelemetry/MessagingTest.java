package dev.domainevents.opentelemetry;

import static io.opentelemetry.semconv.incubating.MessagingIncubatingAttributes.MESSAGING_BATCH_MESSAGE_COUNT;
import static io.opentelemetry.semconv.incubating.MessagingIncubatingAttributes.MESSAGING_CONSUMER_GROUP_NAME;
import static io.opentelemetry.semconv.incubating.MessagingIncubatingAttributes.MESSAGING_DESTINATION_NAME;
import static io.opentelemetry.semconv.incubating.MessagingIncubatingAttributes.MESSAGING_DESTINATION_PARTITION_ID;
import static io.opentelemetry.semconv.incubating.MessagingIncubatingAttributes.MESSAGING_KAFKA_MESSAGE_KEY;
import static io.opentelemetry.semconv.incubating.MessagingIncubatingAttributes.MESSAGING_KAFKA_OFFSET;
import static io.opentelemetry.semconv.incubating.MessagingIncubatingAttributes.MESSAGING_MESSAGE_CONVERSATION_ID;
import static io.opentelemetry.semconv.incubating.MessagingIncubatingAttributes.MESSAGING_MESSAGE_ID;
import static io.opentelemetry.semconv.incubating.MessagingIncubatingAttributes.MESSAGING_OPERATION_NAME;
import static io.opentelemetry.semconv.incubating.MessagingIncubatingAttributes.MESSAGING_OPERATION_TYPE;
import static io.opentelemetry.semconv.incubating.MessagingIncubatingAttributes.MESSAGING_SYSTEM;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.opentelemetry.semconv.ErrorAttributes;
import io.opentelemetry.semconv.SchemaUrls;
import io.opentelemetry.semconv.incubating.MessagingIncubatingAttributes.MessagingOperationTypeIncubatingValues;
import io.opentelemetry.semconv.incubating.MessagingIncubatingAttributes.MessagingSystemIncubatingValues;
import org.junit.jupiter.api.Test;

/**
 * The attribute keys and values the module writes are those of the semantic conventions it says it
 * follows: checked against OpenTelemetry's generated semconv artifact of that version.
 */
class MessagingTest {
  @Test
  void keysAreTheConventionsKeysOfThePinnedVersion() {
    assertEquals(MESSAGING_SYSTEM, Messaging.SYSTEM);
    assertEquals(MESSAGING_DESTINATION_NAME, Messaging.DESTINATION_NAME);
    assertEquals(MESSAGING_OPERATION_TYPE, Messaging.OPERATION_TYPE);
    assertEquals(MESSAGING_OPERATION_NAME, Messaging.OPERATION_NAME);
    assertEquals(MESSAGING_MESSAGE_ID, Messaging.MESSAGE_ID);
    assertEquals(MESSAGING_MESSAGE_CONVERSATION_ID, Messaging.CONVERSATION_ID);
    assertEquals(MESSAGING_CONSUMER_GROUP_NAME, Messaging.CONSUMER_GROUP);
    assertEquals(MESSAGING_DESTINATION_PARTITION_ID, Messaging.PARTITION);
    assertEquals(MESSAGING_KAFKA_OFFSET, Messaging.KAFKA_OFFSET);
    assertEquals(MESSAGING_KAFKA_MESSAGE_KEY, Messaging.KAFKA_KEY);
    assertEquals(MESSAGING_BATCH_MESSAGE_COUNT, Messaging.BATCH_COUNT);
    assertEquals(ErrorAttributes.ERROR_TYPE, Messaging.ERROR_TYPE);
  }

  @Test
  void valuesAndSchemaAreTheConventions() {
    assertEquals(MessagingOperationTypeIncubatingValues.SEND, Messaging.SEND);
    assertEquals(MessagingOperationTypeIncubatingValues.PROCESS, Messaging.PROCESS);
    assertEquals(MessagingSystemIncubatingValues.RABBITMQ, Messaging.system("amqp"));
    assertEquals(MessagingSystemIncubatingValues.KAFKA, Messaging.system("kafka"));
    assertEquals(SchemaUrls.V1_37_0, DomainEventTracing.SCHEMA_URL);
  }
}
