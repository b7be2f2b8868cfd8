package dev.domainevents.kafka;

import static dev.domainevents.kafka.Fixtures.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.domainevents.EventBatch;
import dev.domainevents.EventEnvelope;
import dev.domainevents.kafka.Fixtures.Goods;
import dev.domainevents.kafka.Fixtures.SellMessage;
import dev.domainevents.spi.EventCatalog;
import dev.domainevents.test.kafka.EmbeddedKafkaExtension;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Two brokers, two named clusters: the first is the default, others are chosen by name. */
class NamedClustersTest {
  @RegisterExtension static final EmbeddedKafkaExtension MAIN = new EmbeddedKafkaExtension();
  @RegisterExtension static final EmbeddedKafkaExtension NORTH = new EmbeddedKafkaExtension();

  // A bound, not a delay: waits return as soon as the condition holds. Generous, because CI
  // machines have two cores shared with the broker.
  private static final Duration WAIT = Duration.ofSeconds(180);

  @Test
  void publishesToTheDefaultClusterOrTheNamedOne() throws Exception {
    String topic = unique("goods.clusters");
    String plain = unique("event-sell");
    Properties main = new Properties();
    main.put("bootstrap.servers", MAIN.bootstrapServers());
    Properties north = new Properties();
    north.put("bootstrap.servers", NORTH.bootstrapServers());
    KafkaInfra infra =
        KafkaInfra.builder()
            .property("linger.ms", "1")
            .cluster("main", main)
            .cluster("north", north)
            .build();
    NamedCluster northCluster = infra.cluster("north");
    EventCatalog catalog = EventCatalog.of(Fixtures.registry(topic));
    infra.start(catalog);
    try (infra) {
      Goods goods = new Goods(1);
      goods.shopping(1);
      List<EventEnvelope> toMain = Fixtures.drain(goods);
      infra.publishAndWait(toMain);
      goods.shopping(2);
      EventBatch batch = EventBatch.of(catalog, goods); // as the README shows
      northCluster.publishAndWait(batch.events());
      batch.clear();
      List<EventEnvelope> toNorth = batch.events();
      assertTrue(goods.pendingEvents().isEmpty(), "sent and cleared");
      infra.message(plain, new SellMessage("sku", 1)).cluster("north").publishAndWait();

      assertEquals(
          toMain.get(0).eventId().toString(),
          RawRecords.header(only(MAIN, topic), EnvelopeHeaders.EVENT_ID));
      assertEquals(
          toNorth.get(0).eventId().toString(),
          RawRecords.header(only(NORTH, topic), EnvelopeHeaders.EVENT_ID));
      assertEquals(plain, RawRecords.header(only(NORTH, plain), EnvelopeHeaders.EVENT_NAME));
      assertEquals(
          0,
          MAIN.broker().admin().listTopics().names().get().stream().filter(plain::equals).count());
    }
  }

  private static ConsumerRecord<byte[], byte[]> only(EmbeddedKafkaExtension kafka, String topic) {
    List<ConsumerRecord<byte[], byte[]>> records =
        RawRecords.read(kafka.bootstrapServers(), topic, 1, WAIT);
    assertEquals(
        1, records.size(), "exactly one record in " + topic + " on " + kafka.bootstrapServers());
    return records.get(0);
  }

  @Test
  void anUnknownClusterNameIsAnErrorAtInstallTime() {
    Properties props = new Properties();
    props.put("bootstrap.servers", MAIN.bootstrapServers());
    props.put("domainevents.clusters", "main,north");
    props.put("clusters.north.bootstrap.servers", NORTH.bootstrapServers());
    KafkaInfra infra = KafkaInfra.builder().properties(props).build();
    IllegalArgumentException unknown =
        assertThrows(IllegalArgumentException.class, () -> infra.cluster("south"));
    assertTrue(
        unknown.getMessage().contains("\"south\"")
            && unknown.getMessage().contains("[main, north]"),
        unknown.getMessage());
    assertThrows(IllegalArgumentException.class, () -> infra.message("t", "x").cluster("south"));

    props.put("domainevents.route.orders", "south");
    IllegalArgumentException route =
        assertThrows(
            IllegalArgumentException.class, () -> KafkaInfra.builder().properties(props).build());
    assertTrue(route.getMessage().contains("south"), route.getMessage());

    props.remove("domainevents.route.orders");
    props.put("clusters.south.bootstrap.servers", "localhost:1");
    IllegalArgumentException unlisted =
        assertThrows(
            IllegalArgumentException.class, () -> KafkaInfra.builder().properties(props).build());
    assertTrue(unlisted.getMessage().contains("domainevents.clusters"), unlisted.getMessage());
  }
}
