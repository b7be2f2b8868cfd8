package dev.domainevents.kafka;

import static dev.domainevents.kafka.Fixtures.await;
import static dev.domainevents.kafka.Fixtures.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import dev.domainevents.DomainEvents;
import dev.domainevents.json.JsonPayloadCodec;
import dev.domainevents.kafka.Fixtures.Goods;
import dev.domainevents.kafka.Fixtures.GoodsObj;
import dev.domainevents.kafka.Fixtures.RecordingHandler;
import dev.domainevents.spi.EventCatalog;
import dev.domainevents.test.kafka.EmbeddedKafkaExtension;
import java.time.Duration;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A user's {@code ObjectMapper} on the wire, through {@code KafkaInfra.Builder.payloadCodec}. */
@SuppressWarnings("try") // the installation is opened for its effect
class KafkaPayloadCodecTest {
  @RegisterExtension static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

  private static final Duration WAIT = Duration.ofSeconds(180);

  @Test
  void theBuildersCodecWritesAndReadsThePayloads() throws Exception {
    String topic = unique("goods.codec");
    ObjectMapper upperCamel =
        new ObjectMapper()
            .findAndRegisterModules()
            .setPropertyNamingStrategy(PropertyNamingStrategies.UPPER_CAMEL_CASE);
    KafkaInfra infra =
        KafkaInfra.builder()
            .properties(Fixtures.fastClient(KAFKA.bootstrapServers(), unique("codec")))
            .payloadCodec(JsonPayloadCodec.create(upperCamel))
            .build();
    RecordingHandler handler = new RecordingHandler();
    Goods goods = new Goods(7);
    GoodsObj sent;
    try (DomainEvents.Installation installation =
        DomainEvents.install(infra, EventCatalog.of(Fixtures.registry(topic)), handler)) {
      goods.shopping(3);
      sent = (GoodsObj) goods.pendingEvents().get(0).payload();
      DomainEvents.publishAndWait(goods);
      await(WAIT, "the delivery", () -> handler.handled.size() == 1);
    }
    assertEquals(sent, handler.handled.get(0).envelope().payload(), "decoded by the same mapper");

    ConsumerRecord<byte[], byte[]> record =
        RawRecords.read(KAFKA.bootstrapServers(), topic, 1, WAIT).get(0);
    String json = RawRecords.string(record.value());
    assertTrue(json.contains("\"Amount\":3"), "written by the builder's mapper: " + json);
  }
}
