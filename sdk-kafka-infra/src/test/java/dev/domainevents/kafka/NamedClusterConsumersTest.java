package dev.domainevents.kafka;

import static dev.domainevents.kafka.Fixtures.SHOPPING;
import static dev.domainevents.kafka.Fixtures.await;
import static dev.domainevents.kafka.Fixtures.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.domainevents.EventContext;
import dev.domainevents.EventEnvelope;
import dev.domainevents.kafka.Fixtures.GoodsObj;
import dev.domainevents.kafka.Fixtures.RecordingHandler;
import dev.domainevents.kafka.Fixtures.SellMessage;
import dev.domainevents.spi.Envelopes;
import dev.domainevents.spi.EventCatalog;
import dev.domainevents.test.kafka.EmbeddedKafkaExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Consumers on named clusters, as the seed's {@code consumer_clients}: a topic routed to a cluster
 * is consumed there, in that cluster's own group, on two real brokers.
 */
class NamedClusterConsumersTest {
  @RegisterExtension static final EmbeddedKafkaExtension MAIN = new EmbeddedKafkaExtension();
  @RegisterExtension static final EmbeddedKafkaExtension EU = new EmbeddedKafkaExtension();

  private static final Duration WAIT = Duration.ofSeconds(180);

  @Test
  void eachClusterConsumesItsTopicsInItsOwnGroup() throws Exception {
    String topic = unique("goods.shopping");
    String euTopic = unique("event-sell");
    String mainGroup = unique("shop");
    String euGroup = unique("shop-eu");
    Properties props = Fixtures.fastClient(MAIN.bootstrapServers(), mainGroup);
    props.put("domainevents.clusters", "main,eu");
    props.put("clusters.eu.bootstrap.servers", EU.bootstrapServers());
    props.put("clusters.eu.group.id", euGroup);
    props.put("domainevents.route." + euTopic, "eu");
    RecordingHandler handler = new RecordingHandler(euTopic);
    KafkaInfra infra = KafkaInfra.builder().properties(props).build();
    infra.subscribe(handler);
    infra.start(EventCatalog.of(Fixtures.registry(topic)));
    try (infra) {
      EventEnvelope shopping =
          Envelopes.event(SHOPPING, "1", new GoodsObj(1, "p", 1, 0, null, null), Map.of())
              .withSchemaVersion(Fixtures.SCHEMA_VERSION);
      infra.publishAndWait(List.of(shopping));
      infra
          .message(euTopic, new SellMessage("sku", 2))
          .key("7")
          .publish()
          .get(60, TimeUnit.SECONDS);

      await(WAIT, "both handled", () -> handler.handled.size() == 2);
      Set<String> names =
          handler.handled.stream().map(EventContext::name).collect(Collectors.toSet());
      assertEquals(Set.of(SHOPPING, euTopic), names);
      await(
          WAIT,
          "offsets committed",
          () -> committed(MAIN, mainGroup, topic) && committed(EU, euGroup, euTopic));
      assertFalse(committed(MAIN, mainGroup, euTopic), "the main group never reads the EU topic");
    }
  }

  private static boolean committed(EmbeddedKafkaExtension broker, String group, String topic) {
    try (Admin admin = broker.broker().admin()) {
      Map<TopicPartition, OffsetAndMetadata> offsets =
          admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
      return offsets.entrySet().stream()
          .anyMatch(e -> e.getKey().topic().equals(topic) && e.getValue().offset() > 0);
    } catch (Exception e) {
      return false;
    }
  }

  @Test
  void aTopicRoutedToAnUnknownClusterIsAnErrorBeforeAnythingStarts() {
    Properties props = Fixtures.fastClient(MAIN.bootstrapServers(), unique("shop"));
    props.put("domainevents.route.event-sell", "nowhere");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> KafkaInfra.builder().properties(props).build());
    assertTrue(e.getMessage().contains("unknown cluster \"nowhere\""), e.getMessage());
  }
}
