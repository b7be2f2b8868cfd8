package dev.domainevents.amqp;

import static dev.domainevents.EventInterceptor.Outcome.DEAD_LETTERED;
import static dev.domainevents.EventInterceptor.Outcome.DUPLICATE;
import static dev.domainevents.EventInterceptor.Outcome.HANDLED;
import static dev.domainevents.EventInterceptor.Outcome.RETRIED;
import static dev.domainevents.EventInterceptor.Outcome.RETRY_TOPIC;
import static dev.domainevents.amqp.Fixtures.SHOPPING;
import static dev.domainevents.amqp.Fixtures.await;
import static dev.domainevents.amqp.Fixtures.catalog;
import static dev.domainevents.amqp.Fixtures.drain;
import static dev.domainevents.amqp.Fixtures.fast;
import static dev.domainevents.amqp.Fixtures.rawProperties;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import dev.domainevents.Delivery;
import dev.domainevents.EventEnvelope;
import dev.domainevents.EventInterceptor;
import dev.domainevents.EventInterceptors;
import dev.domainevents.amqp.Fixtures.Goods;
import dev.domainevents.amqp.Fixtures.GoodsObj;
import dev.domainevents.amqp.Fixtures.RecordingHandler;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Interceptors on the AMQP infra: publications to the exchange, one outcome per attempt. */
@Tag("rabbitmq")
class AmqpInterceptorsTest {
  private static final Duration WAIT = Duration.ofSeconds(60);

  record Seen(Delivery delivery, EventInterceptor.Outcome outcome) {}

  @Test
  void publicationsAndEveryDeliveryAttemptReachTheInterceptors() throws Exception {
    List<EventInterceptor.Publication> publications = new CopyOnWriteArrayList<>();
    List<Seen> outcomes = new CopyOnWriteArrayList<>();
    EventInterceptor recorder =
        new EventInterceptor() {
          @Override
          public CompletableFuture<Void> publish(Publication publication, PublishStep next) {
            publications.add(publication);
            return next.publish(publication.envelope());
          }

          @Override
          public void onOutcome(Delivery delivery, Outcome outcome, Throwable cause, long nanos) {
            outcomes.add(new Seen(delivery, outcome));
          }
        };
    try (RabbitVhost vhost = RabbitVhost.create("intercepted")) {
      RecordingHandler handler =
          new RecordingHandler()
              .behave(
                  (envelope, attempt) -> {
                    long id = ((GoodsObj) envelope.payload()).id();
                    if (id == 2 && attempt < 2) {
                      throw new IllegalStateException("flaky");
                    }
                    if (id == 3) {
                      throw new IllegalStateException("always failing");
                    }
                  });
      Properties props = fast(vhost, "shop");
      props.setProperty("domainevents.retry.attempts", "2");
      props.setProperty("domainevents.retry.queue.rounds", "1");
      try (AmqpInfra infra = AmqpInfra.builder().properties(props).build();
          Connection raw = vhost.connect();
          Channel channel = raw.createChannel()) {
        infra.subscribe(handler);
        infra.start(catalog(), EventInterceptors.builder().add(recorder).build());
        Goods good = new Goods(1);
        good.shopping(1);
        Goods flaky = new Goods(2);
        flaky.shopping(1);
        Goods failing = new Goods(3);
        failing.shopping(1);
        List<EventEnvelope> events = drain(good, flaky, failing);
        infra.publishAndWait(events);
        infra.publishAndWait(List.of(events.get(0))); // the duplicate
        String poisonId = UUID.randomUUID().toString();
        channel.confirmSelect();
        channel.basicPublish(
            "goods",
            "goods.shopping",
            true,
            rawProperties(SHOPPING, poisonId),
            "{not json".getBytes(StandardCharsets.UTF_8));
        channel.waitForConfirmsOrDie(10_000);

        await(
            WAIT, "the failing event dead-lettered", () -> of(outcomes, events.get(2)).size() == 4);
        await(WAIT, "the poison dead-lettered", () -> of(outcomes, poisonId).size() == 1);
        await(WAIT, "the duplicate", () -> of(outcomes, events.get(0)).size() == 2);

        assertEquals(4, publications.size());
        for (EventInterceptor.Publication publication : publications) {
          assertEquals("amqp", publication.system());
          assertEquals("goods", publication.destination(), "the exchange");
        }
        assertEquals(List.of(HANDLED, DUPLICATE), kinds(of(outcomes, events.get(0))));
        assertEquals(List.of(RETRIED, HANDLED), kinds(of(outcomes, events.get(1))));
        assertEquals(
            List.of(RETRIED, RETRY_TOPIC, RETRIED, DEAD_LETTERED),
            kinds(of(outcomes, events.get(2))));
        assertEquals(List.of(DEAD_LETTERED), kinds(of(outcomes, poisonId)));
        assertTrue(of(outcomes, poisonId).get(0).delivery().envelope().payload() instanceof byte[]);
        for (Seen seen : outcomes) {
          assertEquals("amqp", seen.delivery().system());
          assertEquals("shop", seen.delivery().destination(), "the queue");
        }
      }
    }
  }

  private static List<Seen> of(List<Seen> outcomes, EventEnvelope event) {
    return of(outcomes, event.eventId().toString());
  }

  private static List<Seen> of(List<Seen> outcomes, String eventId) {
    return outcomes.stream()
        .filter(s -> s.delivery().eventId().toString().equals(eventId))
        .toList();
  }

  private static List<EventInterceptor.Outcome> kinds(List<Seen> seen) {
    return seen.stream().map(Seen::outcome).toList();
  }
}
