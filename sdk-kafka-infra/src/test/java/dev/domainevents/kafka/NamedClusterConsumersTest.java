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
import dev.domainevents.spi.EventDispatcher;
import dev.domainevents.test.kafka.EmbeddedKafkaExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Consumers on named clusters, as the seed's {@code consumer_clients}: a topic routed to a cluster
 * is consumed there, in that cluster's own group, and a handler bound to a cluster consumes from
 * it, on two real brokers.
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

  /** A second handler class: an audit trail of purchases, as a generated dispatcher would call. */
  static final class AuditTrail implements EventDispatcher {
    final List<EventContext> handled = new CopyOnWriteArrayList<>();

    @Override
    public Set<String> events() {
      return Set.of(SHOPPING);
    }

    @Override
    public Map<String, Class<?>> topics() {
      return Map.of();
    }

    @Override
    public boolean dispatch(EventContext context) {
      handled.add(context);
      return true;
    }
  }

  private static EventEnvelope shopping(long id) {
    return Envelopes.event(
            SHOPPING, Long.toString(id), new GoodsObj(id, "p", 1, 0, null, null), Map.of())
        .withSchemaVersion(Fixtures.SCHEMA_VERSION);
  }

  @Test
  void handlersOfTwoClassesConsumeFromTheClustersTheyNameInTwoGroups() throws Exception {
    String topic = unique("goods");
    String mainGroup = unique("shop");
    String euGroup = unique("audit-eu");
    MAIN.broker().createTopic(topic, 1);
    EU.broker().createTopic(topic, 1);
    Properties props = Fixtures.fastClient(MAIN.bootstrapServers(), mainGroup);
    props.put("domainevents.clusters", "main,eu");
    props.put("clusters.eu.bootstrap.servers", EU.bootstrapServers());
    props.put("clusters.eu.group.id", euGroup);
    KafkaInfra infra = KafkaInfra.builder().properties(props).build();
    RecordingHandler store = new RecordingHandler();
    AuditTrail audit = new AuditTrail();
    // The store consumes from the default cluster; the audit trail names the EU one.
    infra.subscribe(store);
    infra.subscribe(infra.cluster("eu").handler(audit));
    infra.start(EventCatalog.of(Fixtures.registry(topic)));
    try (infra) {
      infra.publishAndWait(List.of(shopping(1)));
      infra.cluster("eu").publishAndWait(List.of(shopping(2)));

      await(
          WAIT,
          "each handler handled its cluster's event",
          () -> store.handled.size() == 1 && audit.handled.size() == 1);
      assertEquals("1", store.handled.get(0).envelope().aggregateId());
      assertEquals("2", audit.handled.get(0).envelope().aggregateId());
      await(
          WAIT,
          "offsets committed in each cluster's group",
          () -> committed(MAIN, mainGroup, topic) && committed(EU, euGroup, topic));
      assertFalse(committed(EU, mainGroup, topic), "the store's group never reads the EU broker");
      assertFalse(committed(MAIN, euGroup, topic), "the audit's group never reads the main one");
      assertEquals(1, store.handled.size(), "each event handled once, by its cluster's handler");
      assertEquals(1, audit.handled.size());
    }
  }

  @Test
  void aHandlerNamingAClusterTheInfraDoesNotHaveIsAnErrorAtInstall() {
    Properties props = Fixtures.fastClient(MAIN.bootstrapServers(), unique("shop"));
    KafkaInfra plain = KafkaInfra.builder().properties(props).build();
    IllegalArgumentException unknown =
        assertThrows(IllegalArgumentException.class, () -> plain.cluster("eu"));
    assertTrue(unknown.getMessage().contains("unknown Kafka cluster \"eu\""), unknown.getMessage());

    Properties withEu = Fixtures.fastClient(MAIN.bootstrapServers(), unique("shop"));
    withEu.put("domainevents.clusters", "main,eu");
    withEu.put("clusters.eu.bootstrap.servers", EU.bootstrapServers());
    KafkaInfra other = KafkaInfra.builder().properties(withEu).build();
    // Bound with another infra's cluster: refused when this one starts, before any consumer runs.
    plain.subscribe(other.cluster("eu").handler(new AuditTrail()));
    IllegalArgumentException atStart =
        assertThrows(
            IllegalArgumentException.class,
            () -> plain.start(EventCatalog.of(Fixtures.registry(unique("goods")))));
    assertTrue(atStart.getMessage().contains("unknown Kafka cluster \"eu\""), atStart.getMessage());
    plain.close();
    other.close();
  }
}
