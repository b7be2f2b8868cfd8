package dev.domainevents.kafka;

import static dev.domainevents.kafka.Fixtures.SHOPPING;
import static dev.domainevents.kafka.Fixtures.await;
import static dev.domainevents.kafka.Fixtures.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.domainevents.kafka.Fixtures.RecordingHandler;
import dev.domainevents.spi.EventCatalog;
import dev.domainevents.test.kafka.EmbeddedKafkaExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A dead letter that cannot be sent for a while, on a broker that creates no topic by itself: its
 * dead-letter topic does not exist until the test creates it, so every send times out waiting for
 * the topic's metadata, a transient failure.
 */
class RoutingOutageTest {
  @RegisterExtension
  static final EmbeddedKafkaExtension KAFKA =
      new EmbeddedKafkaExtension(Map.of("auto.create.topics.enable", "false"));

  private static final Duration WAIT = Duration.ofSeconds(90);

  /** The copy is sent again until it is taken; the handler is not called again meanwhile. */
  @Test
  void aTransientRoutingFailureSendsTheCopyAgainWithoutCallingTheHandler() throws Exception {
    String topic = unique("goods.dlt-missing");
    KAFKA.broker().createTopic(topic, 1);
    RecordingHandler handler = PartitionProgressTest.failingFor(666);
    Properties props = Fixtures.fastClient(KAFKA.bootstrapServers(), unique("dlt-missing"));
    props.put("domainevents.retry.attempts", "2");
    props.put("domainevents.ordered", "true");
    props.put("max.block.ms", "1000");
    String badId = UUID.randomUUID().toString();
    String goodId = UUID.randomUUID().toString();
    KafkaInfra infra = KafkaInfra.builder().properties(props).build();
    infra.subscribe(handler);
    try (StderrCapture log = new StderrCapture();
        infra) {
      infra.start(EventCatalog.of(Fixtures.registry(topic)));
      String bootstrap = KAFKA.bootstrapServers();
      RawRecords.send(
          bootstrap,
          topic,
          "666",
          PartitionProgressTest.largeValue(666, 10),
          RawRecords.envelopeHeaders(SHOPPING, badId));
      RawRecords.send(
          bootstrap,
          topic,
          "1",
          PartitionProgressTest.VALID,
          RawRecords.envelopeHeaders(SHOPPING, goodId));

      await(
          WAIT,
          "two failed sends of the dead letter",
          () -> log.count("could not route record " + topic + "-0@0") >= 2);
      assertEquals(
          2,
          PartitionProgressTest.callsOf(handler, badId),
          "routing failed, but the handler is not called again");
      assertEquals(List.of(), handler.handled, "ordered: the partition waits for its dead letter");

      KAFKA.broker().createTopic("fail-" + topic, 1);
      await(WAIT, "the record after the dead letter", () -> handler.handled.size() == 1);
      assertEquals(goodId, handler.handled.get(0).eventId().toString());
      ConsumerRecord<byte[], byte[]> letter =
          RawRecords.read(bootstrap, "fail-" + topic, 1, WAIT).get(0);
      assertEquals("handler-failed", RawRecords.header(letter, EnvelopeHeaders.REASON));
      assertEquals(badId, RawRecords.header(letter, EnvelopeHeaders.EVENT_ID));
      assertEquals(2, PartitionProgressTest.callsOf(handler, badId));
    }
  }
}
