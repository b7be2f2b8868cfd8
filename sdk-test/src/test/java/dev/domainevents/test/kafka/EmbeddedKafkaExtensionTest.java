package dev.domainevents.test.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.domainevents.kafka.embedded.EmbeddedKafka;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class EmbeddedKafkaExtensionTest {
  @RegisterExtension
  static final EmbeddedKafkaExtension KAFKA =
      new EmbeddedKafkaExtension(Map.of("num.partitions", "2"));

  @Test
  void brokerRunsBeforeTheFirstTestWithTheGivenProperties() throws Exception {
    assertTrue(KAFKA.broker().isRunning());
    ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, "1");
    try (Admin admin = KAFKA.broker().admin()) {
      Config config =
          admin.describeConfigs(List.of(broker)).all().get(10, TimeUnit.SECONDS).get(broker);
      assertEquals("2", config.get("num.partitions").value());
    }
  }

  @Test
  void injectsTheSameBrokerAsAParameter(EmbeddedKafka kafka) {
    assertSame(KAFKA.broker(), kafka);
    assertEquals(KAFKA.bootstrapServers(), kafka.bootstrapServers());
  }
}
