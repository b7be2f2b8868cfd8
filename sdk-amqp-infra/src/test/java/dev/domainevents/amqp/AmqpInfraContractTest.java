package dev.domainevents.amqp;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import dev.domainevents.EventType;
import dev.domainevents.spi.DedupeStore;
import dev.domainevents.spi.DomainEventInfra;
import dev.domainevents.spi.EventCatalog;
import dev.domainevents.spi.EventDispatcher;
import dev.domainevents.test.contract.InfraContract;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;

/**
 * The behaviour shared by every infra, on AmqpInfra and the RabbitMQ at 127.0.0.1:5672, each test
 * in a virtual host of its own. Competing consumers on the service's queue promise no order per
 * aggregate; {@link AmqpOrderedContractTest} runs the same contract in the ordered mode, which
 * does.
 */
@Tag("rabbitmq")
class AmqpInfraContractTest extends InfraContract {
  private static final String SERVICE = "shop";

  private RabbitVhost vhost;

  @BeforeEach
  void newVhost() {
    vhost = RabbitVhost.create("contract");
  }

  @AfterEach
  void deleteVhost() {
    vhost.close();
  }

  /** Settings of every instance; the ordered variant adds its switch. */
  Properties settings() {
    Properties props = Fixtures.fast(vhost, SERVICE);
    props.setProperty("domainevents.retry.attempts", Integer.toString(IN_PLACE_ATTEMPTS));
    props.setProperty("domainevents.retry.queue.rounds", "1");
    return props;
  }

  @Override
  public DomainEventInfra startInfra(
      EventCatalog catalog, DedupeStore dedupe, EventDispatcher handler) {
    AmqpInfra infra = AmqpInfra.builder().properties(settings()).dedupeStore(dedupe).build();
    infra.subscribe(handler);
    infra.start(catalog);
    return infra;
  }

  @Override
  public boolean keepsOrderPerAggregate() {
    return false;
  }

  @Override
  protected void publishInvalidJson(EventType<?> type, String aggregateId, UUID eventId)
      throws Exception {
    try (Connection raw = vhost.connect();
        Channel channel = raw.createChannel()) {
      channel.confirmSelect();
      channel.basicPublish(
          AmqpTopology.exchange(type),
          AmqpTopology.routingKey(type),
          true,
          Fixtures.rawProperties(type.name(), eventId.toString()),
          "{not json".getBytes(StandardCharsets.UTF_8));
      channel.waitForConfirmsOrDie(10_000);
    }
  }

  @Override
  protected List<DeadLetter> deadLetters(EventType<?> type, int count, Duration wait)
      throws Exception {
    List<DeadLetter> letters = new ArrayList<>();
    try (Connection raw = vhost.connect();
        Channel channel = raw.createChannel()) {
      Fixtures.await(
          wait,
          count + " dead letter(s)",
          () -> {
            try {
              GetResponse dead;
              while (letters.size() < count
                  && (dead = channel.basicGet(AmqpTopology.deadLetterQueue(SERVICE), true))
                      != null) {
                letters.add(
                    new DeadLetter(
                        dead.getProps().getMessageId(),
                        dead.getProps().getHeaders().get(AmqpHeaders.REASON).toString()));
              }
              return letters.size() == count;
            } catch (Exception e) {
              throw new AssertionError(e);
            }
          });
    }
    return letters;
  }
}
