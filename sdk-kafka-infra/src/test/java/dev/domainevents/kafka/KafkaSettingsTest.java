package dev.domainevents.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.domainevents.EventEnvelope;
import dev.domainevents.EventPublishException;
import dev.domainevents.spi.Envelopes;
import dev.domainevents.spi.EventCatalog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Configuration parsing, without a broker. */
class KafkaSettingsTest {

  private static Properties base() {
    Properties props = new Properties();
    props.put("bootstrap.servers", "localhost:9092");
    return props;
  }

  @Test
  void kafkaKeysPassThroughUnchangedOverSafeDefaults() {
    Properties props = base();
    props.put("linger.ms", "7");
    props.put("max.poll.records", "33");
    props.put("security.protocol", "SASL_SSL");
    props.put("interceptor.custom.key", "x");
    KafkaSettings.Cluster cluster = KafkaSettings.parse(props).defaultCluster();
    assertEquals("all", cluster.producer().get("acks"));
    assertEquals("true", cluster.producer().get("enable.idempotence"));
    assertEquals("7", cluster.producer().get("linger.ms"));
    assertFalse(cluster.producer().containsKey("max.poll.records"), "consumer-only keys stay out");
    assertEquals("33", cluster.consumer().get("max.poll.records"));
    assertEquals("SASL_SSL", cluster.producer().get("security.protocol"));
    assertEquals("SASL_SSL", cluster.consumer().get("security.protocol"));
    assertEquals("x", cluster.consumer().get("interceptor.custom.key"));
    assertEquals("earliest", cluster.consumer().get("auto.offset.reset"));
    assertEquals("false", cluster.consumer().get("enable.auto.commit"));

    props.put("acks", "1");
    assertEquals("1", KafkaSettings.parse(props).defaultCluster().producer().get("acks"));
  }

  @Test
  void consumerRestartsAreOnByDefaultWithABoundedBackoff() {
    KafkaSettings defaults = KafkaSettings.parse(base());
    assertTrue(defaults.consumerRestart);
    assertEquals(1_000, defaults.consumerRestartBackoffMs);
    assertEquals(60_000, defaults.consumerRestartBackoffMaxMs);
    Properties props = base();
    props.put("domainevents.consumer.restart", "false");
    props.put("domainevents.consumer.restart.backoff.ms", "500");
    props.put("domainevents.consumer.restart.backoff.max.ms", "100");
    KafkaSettings set = KafkaSettings.parse(props);
    assertFalse(set.consumerRestart);
    assertEquals(500, set.consumerRestartBackoffMs);
    assertEquals(500, set.consumerRestartBackoffMaxMs, "the maximum is at least the first backoff");
    props.put("domainevents.consumer.restart", "yes");
    assertThrows(IllegalArgumentException.class, () -> KafkaSettings.parse(props));
  }

  @Test
  void theWireFormatIsChosenByProperty() {
    assertEquals(WireFormat.DOMAINEVENTS, KafkaSettings.parse(base()).wireFormat);
    Properties props = base();
    props.put("domainevents.wire.format", "cloudevents");
    assertEquals(WireFormat.CLOUDEVENTS, KafkaSettings.parse(props).wireFormat);
    props.put("domainevents.wire.format", "avro");
    IllegalArgumentException error =
        assertThrows(IllegalArgumentException.class, () -> KafkaSettings.parse(props));
    assertTrue(error.getMessage().contains("use domainevents or cloudevents"), error.getMessage());
  }

  @Test
  void batchLimitsDefaultAndAreBounded() {
    KafkaSettings defaults = KafkaSettings.parse(base());
    assertEquals(500, defaults.batchMaxSize);
    assertEquals(200, defaults.batchMaxWaitMs);
    Properties props = base();
    props.put("domainevents.batch.max.size", "50");
    props.put("domainevents.batch.max.wait.ms", "0");
    assertEquals(50, KafkaSettings.parse(props).batchMaxSize);
    assertEquals(0, KafkaSettings.parse(props).batchMaxWaitMs);
    props.put("domainevents.batch.max.size", "0");
    assertTrue(message(props).contains("domainevents.batch.max.size=0"), message(props));
    props.put("domainevents.batch.max.size", "100001");
    assertTrue(message(props).contains("at most 100000 records"), message(props));
    props.put("domainevents.batch.max.size", "10");
    props.put("domainevents.batch.max.wait.ms", "60001");
    assertTrue(message(props).contains("waits at most 60000 ms"), message(props));
  }

  @Test
  void settingsThatWouldLoseEventsOrBreakDecodingAreRejected() {
    Properties autoCommit = base();
    autoCommit.put("enable.auto.commit", "true");
    assertTrue(message(autoCommit).contains("enable.auto.commit"));
    Properties serializer = base();
    serializer.put("value.serializer", "org.apache.kafka.common.serialization.StringSerializer");
    assertTrue(message(serializer).contains("value.serializer"));
    Properties typo = base();
    typo.put("domainevents.retry.atempts", "3");
    assertTrue(message(typo).contains("domainevents.retry.atempts"));
    Properties none = new Properties();
    assertTrue(message(none).contains("KAFKA_BOOTSTRAP_SERVERS"));
    Properties negative = base();
    negative.put("domainevents.retry.attempts", "0");
    assertTrue(message(negative).contains("domainevents.retry.attempts"));
  }

  private static String message(Properties props) {
    return assertThrows(IllegalArgumentException.class, () -> KafkaSettings.parse(props))
        .getMessage();
  }

  @Test
  void namedClustersLayerTheirKeysOverTheSharedOnes() {
    Properties props = base();
    props.put("domainevents.clusters", "main, north");
    props.put("clusters.north.bootstrap.servers", "north:9092");
    props.put("clusters.north.linger.ms", "50");
    props.put("linger.ms", "5");
    KafkaSettings settings = KafkaSettings.parse(props);
    assertEquals("main", settings.defaultCluster().name());
    assertEquals("localhost:9092", settings.clusters.get(0).bootstrapServers());
    assertEquals("north:9092", settings.clusters.get(1).bootstrapServers());
    assertEquals("5", settings.clusters.get(0).producer().get("linger.ms"));
    assertEquals("50", settings.clusters.get(1).producer().get("linger.ms"));
  }

  @Test
  void theEnvironmentMapsKafkaAndSdkVariables() {
    Properties props =
        KafkaInfra.propertiesFromEnvironment(
            Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", "broker:9092",
                "KAFKA_GROUP_ID", "shop",
                "KAFKA_HEAP_OPTS", "-Xmx1g",
                "KAFKA_CLUSTERS_NORTH_BOOTSTRAP_SERVERS", "north:9092",
                "DOMAINEVENTS_CLUSTERS", "main,north",
                "DOMAINEVENTS_RETRY_ATTEMPTS", "5",
                "PATH", "/usr/bin"));
    assertEquals("broker:9092", props.getProperty("bootstrap.servers"));
    assertEquals("shop", props.getProperty("group.id"));
    assertEquals("north:9092", props.getProperty("clusters.north.bootstrap.servers"));
    assertEquals("5", props.getProperty("domainevents.retry.attempts"));
    assertFalse(props.containsKey("heap.opts"), "Kafka script variables are not client settings");
    assertEquals(5, props.size());
    assertThrows(IllegalStateException.class, () -> KafkaInfra.propertiesFromEnvironment(Map.of()));
  }

  @Test
  void aPropertiesFileBuildsTheInfra(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("kafka.properties");
    Files.writeString(
        file, "bootstrap.servers=localhost:9092\ngroup.id=shop\ndomainevents.ordered=true\n");
    KafkaInfra infra = KafkaInfra.fromProperties(file);
    assertEquals("KafkaInfra{clusters=[default=localhost:9092], group=shop}", infra.toString());
  }

  @Test
  void redactionHidesEverySecretKind() {
    Map<String, Object> redacted =
        Redaction.redact(
            Map.of(
                "sasl.jaas.config", "x password=\"p\";",
                "ssl.keystore.password", "p",
                "ssl.key.password", "p",
                "ssl.keystore.key", "PEM",
                "sasl.oauthbearer.client.credentials.client.secret", "s",
                "bootstrap.servers", "b:1"));
    assertEquals("b:1", redacted.get("bootstrap.servers"));
    redacted.forEach(
        (key, value) -> {
          if (!key.equals("bootstrap.servers")) {
            assertEquals(Redaction.REDACTED, value, key);
          }
        });
  }

  @Test
  void publishingAnUnregisteredEventFailsWithAClearError() {
    KafkaInfra infra = KafkaInfra.builder().properties(base()).build();
    infra.start(EventCatalog.of(Fixtures.registry("goods.unused")));
    try (infra) {
      EventEnvelope stranger = Envelopes.event("Stranger:Came", "1", "x", Map.of());
      EventPublishException error =
          assertThrows(EventPublishException.class, () -> infra.publishAndWait(List.of(stranger)));
      assertTrue(error.getMessage().contains("Stranger:Came"), error.getMessage());
      assertTrue(error.getMessage().contains("sdk-processor"), error.getMessage());
    }
  }
}
