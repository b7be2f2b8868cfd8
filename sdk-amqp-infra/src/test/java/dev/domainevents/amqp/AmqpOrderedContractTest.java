package dev.domainevents.amqp;

import java.util.Properties;
import org.junit.jupiter.api.Tag;

/**
 * The contract in the ordered mode: the quorum queue's single active consumer and blocking retries,
 * so each aggregate's events are handled in order even with two instances.
 */
@Tag("rabbitmq")
class AmqpOrderedContractTest extends AmqpInfraContractTest {
  @Override
  Properties settings() {
    Properties props = super.settings();
    props.setProperty("domainevents.ordered", "true");
    return props;
  }

  @Override
  public boolean keepsOrderPerAggregate() {
    return true;
  }
}
