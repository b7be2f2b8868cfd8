package dev.domainevents.kafka;

import static dev.domainevents.kafka.Fixtures.SHOPPING;
import static dev.domainevents.kafka.Fixtures.await;
import static dev.domainevents.kafka.Fixtures.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.domainevents.EventType;
import dev.domainevents.kafka.Fixtures.GoodsObj;
import dev.domainevents.kafka.Fixtures.RecordingHandler;
import dev.domainevents.spi.EventCatalog;
import dev.domainevents.spi.EventRegistry;
import dev.domainevents.test.kafka.EmbeddedKafkaExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An aggregate's topic carries all its events, so a service reads events it does not handle, and
 * events a newer producer added that it does not know: skipped and committed, never dead-lettered.
 */
class UnhandledEventsTest {
  @RegisterExtension static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

  private static final Duration WAIT = Duration.ofSeconds(120);
  private static final String RESTOCK = "Goods:Restock";
  private static final String VALID = "{\"id\":9,\"name\":\"n\",\"amount\":1,\"sequence\":0}";

  /** Goods:Shopping, handled, and Goods:Restock, known but not handled, on one topic. */
  private static EventRegistry registry(String topic) {
    return Fixtures.registry(
        List.of(
            EventType.of(SHOPPING, GoodsObj.class, topic, 1),
            EventType.of(RESTOCK, GoodsObj.class, topic, 1)));
  }

  @Test
  void eventsNotHandledOrNotKnownAreSkippedAndCommittedButBadPayloadsOfHandledOnesArePoison()
      throws Exception {
    String topic = unique("goods");
    String group = unique("skip");
    String bootstrap = KAFKA.bootstrapServers();
    RecordingHandler handler = new RecordingHandler();
    Properties props = Fixtures.fastClient(bootstrap, group);
    try (KafkaInfra infra = KafkaInfra.builder().properties(props).build()) {
      infra.subscribe(handler);
      infra.start(EventCatalog.of(registry(topic)));

      // One key, so one partition: by the time the last record is handled, all were processed.
      RawRecords.send(bootstrap, topic, "9", VALID, headers(RESTOCK));
      RawRecords.send(bootstrap, topic, "9", "{\"newField\":true}", headers("Goods:Repriced"));
      RawRecords.send(bootstrap, topic, "9", "{\"id\":\"nine\"}", headers(SHOPPING));
      String goodId = UUID.randomUUID().toString();
      Map<String, String> good = headers(SHOPPING);
      good.put(EnvelopeHeaders.EVENT_ID, goodId);
      RawRecords.send(bootstrap, topic, "9", VALID, good);

      await(WAIT, "the handled event", () -> handler.handled.size() == 1);
      assertEquals(goodId, handler.handled.get(0).eventId().toString());
      assertEquals(1, handler.calls.size(), "only the handled, decodable event reaches a handler");
      assertEquals(2, infra.skippedRecords(), "the unhandled and the unknown event are counted");

      List<ConsumerRecord<byte[], byte[]>> dead =
          RawRecords.read(bootstrap, "fail-" + topic, 1, WAIT);
      assertEquals(1, dead.size(), "only the undecodable handled event is dead-lettered");
      assertEquals("payload-mismatch", RawRecords.header(dead.get(0), EnvelopeHeaders.REASON));
      assertEquals(SHOPPING, RawRecords.header(dead.get(0), EnvelopeHeaders.EVENT_NAME));

      // Skipped records are committed like handled ones: the group's offset passes all four.
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
        await(
            WAIT,
            "the group's offset past every record",
            () -> committed(admin, group, topic) == 4);
      }
    }
  }

  private static Map<String, String> headers(String name) {
    return RawRecords.envelopeHeaders(name, UUID.randomUUID().toString());
  }

  private static long committed(Admin admin, String group, String topic) {
    try {
      Map<TopicPartition, OffsetAndMetadata> offsets =
          admin
              .listConsumerGroupOffsets(group)
              .partitionsToOffsetAndMetadata()
              .get(30, TimeUnit.SECONDS);
      long total = 0;
      for (Map.Entry<TopicPartition, OffsetAndMetadata> offset : offsets.entrySet()) {
        if (offset.getKey().topic().equals(topic) && offset.getValue() != null) {
          total += offset.getValue().offset();
        }
      }
      return total;
    } catch (Exception e) {
      throw new AssertionError("could not read the offsets of group " + group, e);
    }
  }
}
