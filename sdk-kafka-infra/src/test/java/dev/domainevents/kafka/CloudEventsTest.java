package dev.domainevents.kafka;

import static dev.domainevents.kafka.Fixtures.SHOPPING;
import static dev.domainevents.kafka.Fixtures.await;
import static dev.domainevents.kafka.Fixtures.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.domainevents.EventContext;
import dev.domainevents.EventEnvelope;
import dev.domainevents.json.JsonPayloadCodec;
import dev.domainevents.kafka.Fixtures.Goods;
import dev.domainevents.kafka.Fixtures.GoodsObj;
import dev.domainevents.kafka.Fixtures.RecordingHandler;
import dev.domainevents.spi.DispatchTable;
import dev.domainevents.spi.Envelopes;
import dev.domainevents.spi.EventCatalog;
import dev.domainevents.test.kafka.EmbeddedKafkaExtension;
import io.cloudevents.CloudEvent;
import io.cloudevents.SpecVersion;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.core.message.Encoding;
import io.cloudevents.kafka.CloudEventDeserializer;
import io.cloudevents.kafka.CloudEventSerializer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * CloudEvents binary mode on a real broker, checked against the CloudEvents Kafka library: what the
 * SDK writes, the library reads; what the library writes, the SDK handles.
 */
class CloudEventsTest {
  @RegisterExtension static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

  private static final Duration WAIT = Duration.ofSeconds(120);
  private static final String JSON = "{\"id\":9,\"name\":\"n\",\"amount\":1,\"sequence\":0}";

  @Test
  void theCloudEventsLibraryReadsTheRecordsTheSdkWrites() {
    String topic = unique("goods");
    String bootstrap = KAFKA.bootstrapServers();
    Properties props = Fixtures.fastClient(bootstrap, null);
    EventEnvelope sent;
    try (KafkaInfra infra =
        KafkaInfra.builder().properties(props).wireFormat(WireFormat.CLOUDEVENTS).build()) {
      infra.start(EventCatalog.of(Fixtures.registry(topic)));
      Goods goods = new Goods(7);
      goods.shopping(3);
      List<EventEnvelope> events = Fixtures.drain(goods);
      sent = events.get(0);
      infra.publishAndWait(events);
    }

    ConsumerRecord<byte[], byte[]> record = RawRecords.read(bootstrap, topic, 1, WAIT).get(0);
    assertNull(record.headers().lastHeader(EnvelopeHeaders.EVENT_ID), "no de- envelope headers");
    CloudEvent event;
    try (CloudEventDeserializer deserializer = new CloudEventDeserializer()) {
      event = deserializer.deserialize(topic, record.headers(), record.value());
    }
    assertEquals(SpecVersion.V1, event.getSpecVersion());
    assertEquals(sent.eventId().toString(), event.getId());
    assertEquals(SHOPPING, event.getType());
    assertEquals(URI.create("/Goods"), event.getSource());
    assertEquals("7", event.getSubject());
    assertEquals(sent.occurredAt(), event.getTime().toInstant());
    assertEquals("application/json", event.getDataContentType());
    assertEquals(sent.correlationId(), event.getExtension("correlationid"));
    assertEquals(
        String.valueOf(sent.schemaVersion()), String.valueOf(event.getExtension("schemaversion")));
    assertEquals("Goods", event.getExtension("aggregatetype"));
    assertEquals(
        "buy", new String(record.headers().lastHeader("x-action").value(), StandardCharsets.UTF_8));
    String data = new String(event.getData().toBytes(), StandardCharsets.UTF_8);
    assertEquals(new String(record.value(), StandardCharsets.UTF_8), data);
    assertEquals("{\"id\":7,", data.substring(0, 8));
  }

  @Test
  void theSdkHandlesCloudEventsTheLibraryWrites() throws Exception {
    String topic = unique("goods");
    String bootstrap = KAFKA.bootstrapServers();
    RecordingHandler handler = new RecordingHandler();
    Properties props = Fixtures.fastClient(bootstrap, unique("ce"));
    // The default format: a consumer reads CloudEvents whatever it writes.
    try (KafkaInfra infra = KafkaInfra.builder().properties(props).build()) {
      infra.subscribe(handler);
      infra.start(EventCatalog.of(Fixtures.registry(topic)));

      UUID id = UUID.randomUUID();
      OffsetDateTime time = OffsetDateTime.parse("2026-03-04T05:06:07.123+01:00");
      send(
          bootstrap,
          topic,
          "9",
          CloudEventBuilder.v1()
              .withId(id.toString())
              .withType(SHOPPING)
              .withSource(URI.create("https://shop.example/goods"))
              .withSubject("9")
              .withTime(time)
              .withDataContentType("application/json")
              .withExtension("correlationid", "flow-1")
              .withExtension("causationid", "cause-1")
              .withExtension("schemaversion", 2)
              .withData(JSON.getBytes(StandardCharsets.UTF_8))
              .build());
      // A foreign producer's id that is no UUID, sent twice: the same event, handled once.
      CloudEvent foreign =
          CloudEventBuilder.v1()
              .withId("order-17")
              .withType(SHOPPING)
              .withSource(URI.create("urn:legacy-shop"))
              .withSubject("10")
              .withData("application/json", JSON.getBytes(StandardCharsets.UTF_8))
              .build();
      send(bootstrap, topic, "9", foreign);
      send(bootstrap, topic, "9", foreign);
      // One key, one partition: once the last is handled, the duplicate before it was consumed.
      UUID last = UUID.randomUUID();
      send(bootstrap, topic, "9", CloudEventBuilder.v1(foreign).withId(last.toString()).build());

      await(WAIT, "three events", () -> handler.handled.size() == 3);
      assertEquals(3, handler.calls.size(), "the duplicate is not handled again");
      assertEquals(last, handler.handled.get(2).eventId());
      EventContext first = handler.handled.get(0);
      assertEquals(id, first.eventId());
      assertEquals(SHOPPING, first.name());
      EventEnvelope envelope = first.envelope();
      assertEquals("Goods", envelope.aggregateType());
      assertEquals("9", envelope.aggregateId());
      assertEquals(Instant.parse("2026-03-04T04:06:07.123Z"), envelope.occurredAt());
      assertEquals("flow-1", envelope.correlationId());
      assertEquals("cause-1", envelope.causationId());
      assertEquals(2, envelope.schemaVersion());
      assertEquals(9, ((GoodsObj) envelope.payload()).id());
      assertEquals(Map.of(), envelope.headers(), "CloudEvents attributes are not user headers");

      EventEnvelope second = handler.handled.get(1).envelope();
      assertEquals(
          UUID.nameUUIDFromBytes("urn:legacy-shop\norder-17".getBytes(StandardCharsets.UTF_8)),
          second.eventId());
      assertEquals("10", second.aggregateId());
      assertEquals(second.eventId().toString(), second.correlationId(), "a flow of its own");
      assertTrue(
          Duration.between(second.occurredAt(), Instant.now()).abs().toMinutes() < 10,
          "without ce_time, the record's timestamp: " + second.occurredAt());
    }
  }

  @Test
  void aCloudEventOfAnotherSpecVersionOrInStructuredModeIsPoison() throws Exception {
    String topic = unique("goods");
    String bootstrap = KAFKA.bootstrapServers();
    RecordingHandler handler = new RecordingHandler();
    Properties props = Fixtures.fastClient(bootstrap, unique("ce-poison"));
    try (KafkaInfra infra = KafkaInfra.builder().properties(props).build()) {
      infra.subscribe(handler);
      infra.start(EventCatalog.of(Fixtures.registry(topic)));
      RecordHeaders headers = new RecordHeaders();
      headers.add(CloudEventsHeaders.SPEC_VERSION, bytes("0.3"));
      headers.add(CloudEventsHeaders.ID, bytes(UUID.randomUUID().toString()));
      headers.add(CloudEventsHeaders.SOURCE, bytes("/old"));
      headers.add(CloudEventsHeaders.TYPE, bytes(SHOPPING));
      RawRecords.send(bootstrap, topic, "9", JSON, headers);
      RecordHeaders structured = new RecordHeaders();
      structured.add(EnvelopeHeaders.CONTENT_TYPE, bytes("application/cloudevents+json"));
      RawRecords.send(bootstrap, topic, "9", "{\"specversion\":\"1.0\"}", structured);

      List<ConsumerRecord<byte[], byte[]>> dead =
          RawRecords.read(bootstrap, "fail-" + topic, 2, WAIT);
      assertEquals(
          List.of("malformed-header", "undecodable"),
          dead.stream().map(r -> RawRecords.header(r, EnvelopeHeaders.REASON)).toList());
      assertEquals(0, handler.calls.size());
    }
  }

  @Test
  void aUserHeaderNamedLikeACloudEventsAttributeIsRefused() {
    EnvelopeCodec codec =
        new EnvelopeCodec(
            JsonPayloadCodec.create(),
            EventCatalog.of(Fixtures.registry("goods")),
            DispatchTable.of(List.of()),
            WireFormat.DOMAINEVENTS);
    EventEnvelope event =
        Envelopes.event(
            SHOPPING, "7", new GoodsObj(7, "n", 1, 0, null, null), Map.of("ce_id", "x"));
    IllegalArgumentException error =
        assertThrows(IllegalArgumentException.class, () -> codec.encode(event, "goods"));
    assertTrue(error.getMessage().contains("\"ce_id\""), error.getMessage());
  }

  private static void send(String bootstrap, String topic, String key, CloudEvent event)
      throws Exception {
    RecordHeaders headers = new RecordHeaders();
    byte[] value;
    try (CloudEventSerializer serializer = new CloudEventSerializer()) {
      serializer.configure(Map.of(CloudEventSerializer.ENCODING_CONFIG, Encoding.BINARY), false);
      value = serializer.serialize(topic, headers, event);
    }
    RawRecords.send(bootstrap, topic, key, new String(value, StandardCharsets.UTF_8), headers);
  }

  private static byte[] bytes(String value) {
    return value.getBytes(StandardCharsets.UTF_8);
  }
}
