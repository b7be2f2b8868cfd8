package dev.domainevents.kafka;

import static dev.domainevents.EventInterceptor.Outcome.DEAD_LETTERED;
import static dev.domainevents.EventInterceptor.Outcome.DUPLICATE;
import static dev.domainevents.EventInterceptor.Outcome.HANDLED;
import static dev.domainevents.EventInterceptor.Outcome.RETRIED;
import static dev.domainevents.EventInterceptor.Outcome.RETRY_TOPIC;
import static dev.domainevents.EventInterceptor.Outcome.SKIPPED;
import static dev.domainevents.kafka.Fixtures.SHOPPING;
import static dev.domainevents.kafka.Fixtures.await;
import static dev.domainevents.kafka.Fixtures.unique;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.domainevents.Delivery;
import dev.domainevents.EventEnvelope;
import dev.domainevents.EventInterceptor;
import dev.domainevents.EventInterceptors;
import dev.domainevents.kafka.Fixtures.GoodsObj;
import dev.domainevents.kafka.Fixtures.RecordingHandler;
import dev.domainevents.spi.EventCatalog;
import dev.domainevents.test.kafka.EmbeddedKafkaExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.MDC;

/**
 * Interceptors on a real broker: every record reaches them with exactly the outcomes its handling
 * took, with the topic, partition, offset and group; what a publish interceptor adds travels as
 * record headers; and the MDC holds each record's ids while its handler runs, and nothing after.
 */
class KafkaInterceptorsTest {
  @RegisterExtension static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

  private static final Duration WAIT = Duration.ofSeconds(120);
  private static final String VALID = "{\"id\":9,\"name\":\"n\",\"amount\":1,\"sequence\":0}";

  /** One outcome as an interceptor saw it, with what the MDC held at that moment. */
  record Seen(
      Delivery delivery,
      EventInterceptor.Outcome outcome,
      Throwable cause,
      long nanos,
      String mdc) {
    String eventId() {
      return delivery.eventId().toString();
    }
  }

  /** Records every outcome and publication, and adds a header to every published event. */
  static final class Recorder implements EventInterceptor {
    final List<Seen> outcomes = new CopyOnWriteArrayList<>();
    final List<Publication> publications = new CopyOnWriteArrayList<>();
    final List<Integer> batches = new CopyOnWriteArrayList<>();

    @Override
    public CompletableFuture<Void> publishBatch(
        List<EventEnvelope> batch, String system, BatchStep next) {
      assertEquals("kafka", system);
      batches.add(batch.size());
      return next.publish(batch);
    }

    @Override
    public CompletableFuture<Void> publish(Publication publication, PublishStep next) {
      publications.add(publication);
      EventEnvelope event = publication.envelope();
      Map<String, String> headers = new HashMap<>(event.headers());
      headers.put("x-intercepted", "yes");
      return next.publish(
          new EventEnvelope(
              event.eventId(),
              event.name(),
              event.aggregateType(),
              event.aggregateId(),
              event.payload(),
              headers,
              event.occurredAt(),
              event.correlationId(),
              event.causationId(),
              event.schemaVersion(),
              event.type()));
    }

    @Override
    public void onOutcome(Delivery delivery, Outcome outcome, Throwable cause, long nanos) {
      outcomes.add(new Seen(delivery, outcome, cause, nanos, MDC.get("eventId")));
    }

    List<Seen> of(String eventId) {
      List<Seen> seen = new ArrayList<>();
      for (Seen s : outcomes) {
        if (s.eventId().equals(eventId)) {
          seen.add(s);
        }
      }
      return seen;
    }
  }

  @Test
  void everyRecordReachesTheInterceptorsWithTheOutcomesItsHandlingTook() throws Exception {
    String topic = unique("goods");
    String group = unique("outcomes");
    String bootstrap = KAFKA.bootstrapServers();
    for (String t : List.of(topic, "retry-" + topic, "fail-" + topic)) {
      KAFKA.broker().createTopic(t, 1);
    }
    Recorder recorder = new Recorder();
    List<String> mdcMismatches = new CopyOnWriteArrayList<>();
    RecordingHandler handler =
        new RecordingHandler()
            .behave(
                (envelope, attempt) -> {
                  if (!envelope.eventId().toString().equals(MDC.get("eventId"))) {
                    mdcMismatches.add(envelope.eventId() + " saw " + MDC.get("eventId"));
                  }
                  int amount = ((GoodsObj) envelope.payload()).amount();
                  if (amount == 2 && attempt < 3) {
                    throw new IllegalStateException("flaky, attempt " + attempt);
                  }
                  if (amount == 3) {
                    throw new IllegalStateException("always failing");
                  }
                });
    Properties props = Fixtures.fastClient(bootstrap, group);
    try (KafkaInfra infra =
        KafkaInfra.builder()
            .properties(props)
            .retry(3, Duration.ofMillis(20))
            .retryTopic(1, Duration.ofMillis(300))
            .build()) {
      infra.subscribe(handler);
      infra.start(
          EventCatalog.of(Fixtures.registry(topic)),
          EventInterceptors.builder().add(recorder).build());

      Fixtures.Goods good = new Fixtures.Goods(1);
      good.shopping(1);
      good.shopping(1);
      good.shopping(1);
      List<EventEnvelope> goods = Fixtures.drain(good);
      Fixtures.Goods flakyGoods = new Fixtures.Goods(2);
      flakyGoods.shopping(2);
      EventEnvelope flaky = Fixtures.drain(flakyGoods).get(0);
      Fixtures.Goods failingGoods = new Fixtures.Goods(3);
      failingGoods.shopping(3);
      EventEnvelope failing = Fixtures.drain(failingGoods).get(0);

      infra.publishAndWait(goods);
      infra.publishAndWait(List.of(flaky, failing));
      infra.publishAndWait(List.of(goods.get(0))); // the duplicate
      String poisonId = UUID.randomUUID().toString();
      Map<String, String> poison = RawRecords.envelopeHeaders(SHOPPING, poisonId);
      RawRecords.send(bootstrap, topic, "9", "{\"id\":\"nine\"}", poison);
      String unhandledId = UUID.randomUUID().toString();
      RawRecords.send(
          bootstrap, topic, "9", VALID, RawRecords.envelopeHeaders("Goods:Repriced", unhandledId));

      await(
          WAIT,
          "the failing event dead-lettered",
          () -> recorder.of(failing.eventId().toString()).size() == 6);
      await(WAIT, "the unhandled event skipped", () -> !recorder.of(unhandledId).isEmpty());

      // Publishing: three batches, each event through publish with its topic; the header added
      // there reaches the handler as a record header.
      assertEquals(List.of(3, 2, 1), recorder.batches);
      assertEquals(6, recorder.publications.size());
      for (EventInterceptor.Publication publication : recorder.publications) {
        assertEquals("kafka", publication.system());
        assertEquals(topic, publication.destination());
      }
      for (var context : handler.calls) {
        assertEquals("yes", context.header("x-intercepted"));
      }

      String first = goods.get(0).eventId().toString();
      assertOutcomes(recorder.of(first), List.of(HANDLED, DUPLICATE), List.of(1, 1));
      for (EventEnvelope event : goods.subList(1, 3)) {
        assertOutcomes(recorder.of(event.eventId().toString()), List.of(HANDLED), List.of(1));
      }
      assertOutcomes(
          recorder.of(flaky.eventId().toString()),
          List.of(RETRIED, RETRIED, HANDLED),
          List.of(1, 2, 3));
      List<Seen> failed = recorder.of(failing.eventId().toString());
      assertOutcomes(
          failed,
          List.of(RETRIED, RETRIED, RETRY_TOPIC, RETRIED, RETRIED, DEAD_LETTERED),
          List.of(1, 2, 3, 4, 5, 6));
      for (int i = 0; i < failed.size(); i++) {
        Seen seen = failed.get(i);
        assertEquals(i < 3 ? topic : "retry-" + topic, seen.delivery().destination());
        assertEquals("always failing", seen.cause().getMessage());
        assertTrue(seen.nanos() > 0, "handler time of " + seen);
      }

      List<Seen> poisoned = recorder.of(poisonId);
      assertOutcomes(poisoned, List.of(DEAD_LETTERED), List.of(1));
      Delivery poisonDelivery = poisoned.get(0).delivery();
      assertEquals(SHOPPING, poisonDelivery.name());
      assertArrayEquals(
          "{\"id\":\"nine\"}".getBytes(StandardCharsets.UTF_8),
          (byte[]) poisonDelivery.envelope().payload(),
          "the raw value, never a payload type the record did not decode to");
      assertTrue(poisoned.get(0).cause() instanceof PoisonRecordException);
      assertEquals(0, poisoned.get(0).nanos());
      assertEquals(6, poisonDelivery.offset(), "after 3 good, flaky, failing and the duplicate");

      assertOutcomes(recorder.of(unhandledId), List.of(SKIPPED), List.of(1));

      for (Seen seen : recorder.outcomes) {
        assertEquals("kafka", seen.delivery().system());
        assertEquals(group, seen.delivery().consumerGroup());
        assertEquals(0, seen.delivery().partition());
        assertTrue(seen.delivery().offset() >= 0);
        assertNull(seen.mdc(), "the MDC is cleared before the outcome: " + seen);
      }
      assertEquals(
          15, recorder.outcomes.size(), "exactly one outcome per attempt: " + recorder.outcomes);
      assertEquals(List.of(), mdcMismatches);

      List<ConsumerRecord<byte[], byte[]>> dead =
          RawRecords.read(bootstrap, "fail-" + topic, 2, WAIT);
      assertEquals(2, dead.size(), "the failing event and the poison record");
    }
  }

  /**
   * Two consumers on four partitions handle many aggregates' records at once: each handler sees its
   * own record's ids in the MDC, and each consumer thread's MDC is empty between records.
   */
  @Test
  void theMdcHoldsEachRecordsIdsOnlyWhileItsHandlerRuns() throws Exception {
    String topic = unique("goods");
    String group = unique("mdc");
    String bootstrap = KAFKA.bootstrapServers();
    KAFKA.broker().createTopic(topic, 4);
    KAFKA.broker().createTopic("retry-" + topic, 4);
    Recorder recorder = new Recorder();
    List<String> mismatches = new CopyOnWriteArrayList<>();
    RecordingHandler handler =
        new RecordingHandler()
            .behave(
                (envelope, attempt) -> {
                  check(mismatches, envelope, "eventId", envelope.eventId().toString());
                  check(mismatches, envelope, "eventName", envelope.name());
                  check(mismatches, envelope, "aggregateType", envelope.aggregateType());
                  check(mismatches, envelope, "aggregateId", envelope.aggregateId());
                  check(mismatches, envelope, "correlationId", envelope.correlationId());
                  check(mismatches, envelope, "causationId", envelope.causationId());
                });
    Properties props = Fixtures.fastClient(bootstrap, group);
    try (KafkaInfra infra = KafkaInfra.builder().properties(props).concurrency(2).build()) {
      infra.subscribe(handler);
      infra.start(
          EventCatalog.of(Fixtures.registry(topic)),
          EventInterceptors.builder().add(recorder).build());
      Fixtures.Goods[] aggregates = Fixtures.aggregates(40, 100);
      for (int round = 0; round < 10; round++) {
        for (Fixtures.Goods goods : aggregates) {
          goods.shopping(round);
        }
      }
      List<EventEnvelope> events = Fixtures.drain(aggregates);
      infra.publishAndWait(events);

      await(WAIT, "every event handled", () -> recorder.outcomes.size() == events.size());
      assertEquals(events.size(), handler.handled.size());
      assertEquals(List.of(), mismatches);
      long partitions =
          recorder.outcomes.stream().map(s -> s.delivery().partition()).distinct().count();
      assertTrue(partitions > 1, "records came from several partitions");
      for (Seen seen : recorder.outcomes) {
        assertEquals(HANDLED, seen.outcome());
        assertNull(seen.mdc(), "the MDC is cleared after each record");
      }
    }
  }

  private static void check(
      List<String> mismatches, EventEnvelope envelope, String key, String expected) {
    String value = expected == null || expected.isEmpty() ? null : expected;
    if (!Objects.equals(value, MDC.get(key))) {
      mismatches.add(envelope.eventId() + ": " + key + "=" + MDC.get(key) + ", not " + value);
    }
  }

  private static void assertOutcomes(
      List<Seen> seen, List<EventInterceptor.Outcome> outcomes, List<Integer> attempts) {
    assertEquals(outcomes, seen.stream().map(Seen::outcome).toList(), String.valueOf(seen));
    assertEquals(attempts, seen.stream().map(s -> s.delivery().attempt()).toList());
  }
}
