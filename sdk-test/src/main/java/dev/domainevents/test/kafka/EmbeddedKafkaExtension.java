package dev.domainevents.test.kafka;

import dev.domainevents.kafka.embedded.EmbeddedKafka;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A JUnit Jupiter extension that starts one {@link EmbeddedKafka} broker before the test class's
 * first test and closes it (deleting its data) after the last.
 *
 * <p>Register it on a static field to reach the broker from anywhere in the class:
 *
 * <pre>{@code
 * class OrdersTest {
 *   @RegisterExtension
 *   static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();
 *
 *   @Test
 *   void roundTrip() {
 *     Properties props = new Properties();
 *     props.put("bootstrap.servers", KAFKA.bootstrapServers());
 *     ...
 *   }
 * }
 * }</pre>
 *
 * <p>or with {@code @ExtendWith(EmbeddedKafkaExtension.class)}, and declare an {@link
 * EmbeddedKafka} parameter on a test, lifecycle method or constructor to receive the broker. Nested
 * test classes share the outer class's broker.
 */
public final class EmbeddedKafkaExtension
    implements BeforeAllCallback, AfterAllCallback, ParameterResolver {
  private final Map<String, String> brokerProperties;
  private EmbeddedKafka broker;
  private String ownerId;

  /** An extension whose broker has the default settings. */
  public EmbeddedKafkaExtension() {
    this(Map.of());
  }

  /** An extension whose broker gets {@code brokerProperties} on top of the defaults. */
  public EmbeddedKafkaExtension(Map<String, String> brokerProperties) {
    this.brokerProperties =
        Map.copyOf(Objects.requireNonNull(brokerProperties, "brokerProperties"));
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    if (broker == null) {
      broker = EmbeddedKafka.create(brokerProperties).start();
      ownerId = context.getUniqueId();
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (broker != null && context.getUniqueId().equals(ownerId)) {
      try {
        broker.close();
      } finally {
        broker = null;
        ownerId = null;
      }
    }
  }

  /** The running broker. */
  public EmbeddedKafka broker() {
    if (broker == null) {
      throw new IllegalStateException(
          "the embedded broker starts before the test class's first test; register the extension"
              + " on a static field so that JUnit calls beforeAll");
    }
    return broker;
  }

  /** The broker's {@code bootstrap.servers} value. */
  public String bootstrapServers() {
    return broker().bootstrapServers();
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == EmbeddedKafka.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return broker();
  }
}
