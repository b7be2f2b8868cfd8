package dev.domainevents.amqp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.ConnectionFactory;
import dev.domainevents.EventType;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** Settings, names and the environment, without a broker. */
class AmqpSettingsTest {
  private static Properties props(String... keysAndValues) {
    Properties props = new Properties();
    props.setProperty("amqp.uri", "amqp://app:s3cret@rabbit.example:5673/shop-vhost");
    for (int i = 0; i < keysAndValues.length; i += 2) {
      props.setProperty(keysAndValues[i], keysAndValues[i + 1]);
    }
    return props;
  }

  @Test
  void theEnvironmentMapsToUriClientAndSdkKeys() {
    Properties props =
        AmqpInfra.propertiesFromEnvironment(
            Map.of(
                "AMQP_URI", "amqp://guest:guest@127.0.0.1:5672/",
                "RABBITMQ_CONNECTION_HEARTBEAT", "15",
                "DOMAINEVENTS_SERVICE", "shop",
                "HOME", "/root"));
    assertEquals("amqp://guest:guest@127.0.0.1:5672/", props.getProperty("amqp.uri"));
    assertEquals("15", props.getProperty("rabbitmq.connection.heartbeat"));
    assertEquals("shop", props.getProperty("domainevents.service"));
    assertEquals(3, props.size());
    assertThrows(IllegalStateException.class, () -> AmqpInfra.propertiesFromEnvironment(Map.of()));
  }

  @Test
  void theUriAndTheClientsOwnKeysConfigureTheConnectionFactory() {
    ConnectionFactory factory =
        AmqpSettings.parse(props("rabbitmq.connection.heartbeat", "15")).connectionFactory();
    assertEquals("rabbit.example", factory.getHost());
    assertEquals(5673, factory.getPort());
    assertEquals("shop-vhost", factory.getVirtualHost());
    assertEquals("app", factory.getUsername());
    assertEquals(15, factory.getRequestedHeartbeat());
    assertTrue(factory.isAutomaticRecoveryEnabled());
    assertTrue(factory.isTopologyRecoveryEnabled());
  }

  @Test
  void secretsAreRedacted() {
    AmqpSettings settings = AmqpSettings.parse(props("rabbitmq.password", "hunter2"));
    String shown = settings.redacted();
    assertFalse(shown.contains("s3cret"), shown);
    assertFalse(shown.contains("hunter2"), shown);
    assertTrue(shown.contains("amqp://app:[redacted]@rabbit.example:5673/shop-vhost"), shown);
    IllegalArgumentException bad =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                AmqpSettings.parse(props("amqp.uri", "amqp://app:s3cret@host/%zz"))
                    .connectionFactory());
    assertFalse(bad.getMessage().contains("s3cret"), bad.getMessage());
  }

  @Test
  void badSettingsFailWithTheirName() {
    assertTrue(
        assertThrows(
                IllegalArgumentException.class,
                () -> AmqpSettings.parse(props("domainevents.retry.atempts", "3")))
            .getMessage()
            .contains("domainevents.retry.atempts"));
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> AmqpSettings.parse(props("bogus", "1")))
            .getMessage()
            .contains("bogus"));
    assertTrue(
        assertThrows(
                IllegalArgumentException.class,
                () -> AmqpSettings.parse(props("domainevents.consumer.prefetch", "0")))
            .getMessage()
            .contains("domainevents.consumer.prefetch"));
    assertTrue(
        assertThrows(
                IllegalArgumentException.class,
                () ->
                    AmqpSettings.parse(
                        props(
                            "domainevents.ordered", "true",
                            "domainevents.consumer.concurrency", "2")))
            .getMessage()
            .contains("single active consumer"));
    assertThrows(IllegalArgumentException.class, () -> AmqpSettings.parse(new Properties()));
  }

  @Test
  void namesAreCheckedAgainstAmqpsLimits() {
    assertNull(AmqpTopology.serviceProblem("shop"));
    assertNull(AmqpTopology.serviceProblem("s".repeat(249)));
    assertTrue(AmqpTopology.serviceProblem("s".repeat(250)).contains("249"));
    assertTrue(AmqpTopology.serviceProblem("amq.shop").contains("reserved"));
    assertTrue(AmqpTopology.serviceProblem("shop queue").contains("' '"));
    assertEquals(255, AmqpTopology.retryQueue("s".repeat(249)).length());
    assertEquals("goods", AmqpTopology.exchange(Fixtures.SHOPPING_TYPE));
    assertEquals(
        "io-device",
        AmqpTopology.exchange(EventType.of("IODevice:ReadIO", Fixtures.GoodsObj.class)));
  }
}
