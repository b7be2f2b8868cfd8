package dev.domainevents.kafka;

import static dev.domainevents.kafka.Fixtures.SHOPPING;
import static dev.domainevents.kafka.Fixtures.await;
import static dev.domainevents.kafka.Fixtures.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.domainevents.EventContext;
import dev.domainevents.EventEnvelope;
import dev.domainevents.kafka.Fixtures.Goods;
import dev.domainevents.kafka.Fixtures.GoodsObj;
import dev.domainevents.spi.EventCatalog;
import dev.domainevents.spi.EventDispatcher;
import dev.domainevents.test.kafka.EmbeddedKafkaExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Batch handlers on a real broker: sizes, order, the per-record fallback and dead letters. */
class BatchHandlersTest {
  @RegisterExtension static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

  private static final Duration WAIT = Duration.ofSeconds(180);
  private static final int MAX_SIZE = 500;

  /**
   * Like the dispatcher the processor generates for {@code void onShoppings(List<GoodsObj>,
   * List<EventContext>)}: {@code dispatch} passes a one-element list.
   */
  private static final class BatchHandler implements EventDispatcher {
    final List<Integer> batchSizes = new CopyOnWriteArrayList<>();
    final Map<UUID, AtomicInteger> handled = new ConcurrentHashMap<>();
    final Map<Long, List<Integer>> sequences = new ConcurrentHashMap<>();

    @Override
    public Set<String> events() {
      return Set.of(SHOPPING);
    }

    @Override
    public Map<String, Class<?>> topics() {
      return Map.of();
    }

    @Override
    public Set<String> batchEvents() {
      return Set.of(SHOPPING);
    }

    @Override
    public boolean dispatch(EventContext context) {
      return dispatchBatch(context.name(), List.of(context));
    }

    @Override
    public boolean dispatchBatch(String name, List<? extends EventContext> contexts) {
      if (!SHOPPING.equals(name)) {
        return false;
      }
      List<GoodsObj> payloads = new ArrayList<>(contexts.size());
      for (EventContext context : contexts) {
        payloads.add((GoodsObj) context.envelope().payload());
      }
      onShoppings(Collections.unmodifiableList(payloads), Collections.unmodifiableList(contexts));
      return true;
    }

    /** All or nothing, as a batch handler should be: it checks the batch before any effect. */
    void onShoppings(List<GoodsObj> goods, List<EventContext> contexts) {
      for (GoodsObj item : goods) {
        if (item.amount() < 0) {
          throw new IllegalArgumentException("rejected amount " + item.amount());
        }
      }
      batchSizes.add(goods.size());
      for (int i = 0; i < goods.size(); i++) {
        handled
            .computeIfAbsent(contexts.get(i).eventId(), id -> new AtomicInteger())
            .incrementAndGet();
        sequences
            .computeIfAbsent(goods.get(i).id(), id -> new CopyOnWriteArrayList<>())
            .add(goods.get(i).sequence());
      }
    }
  }

  @Test
  void tenThousandEventsInBatchesWithOnePoisonAndOneRejectedRecord() throws Exception {
    String topic = unique("goods.batch");
    String bootstrap = KAFKA.bootstrapServers();
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
      admin
          .createTopics(
              List.of(
                  new NewTopic(topic, 3, (short) 1), new NewTopic("fail-" + topic, 1, (short) 1)))
          .all()
          .get(60, TimeUnit.SECONDS);
    }
    EventCatalog catalog = EventCatalog.of(Fixtures.registry(topic));

    // 100 aggregates x 100 events; one event, in the middle, has an amount the handler rejects.
    Goods[] goods = Fixtures.aggregates(100, 1);
    List<EventEnvelope> first = new ArrayList<>();
    List<EventEnvelope> second = new ArrayList<>();
    EventEnvelope rejected = null;
    for (int round = 0; round < 100; round++) {
      for (Goods g : goods) {
        g.shopping(round == 50 && g == goods[7] ? -1 : 1);
      }
      List<EventEnvelope> drained = Fixtures.drain(goods);
      for (EventEnvelope e : drained) {
        if (((GoodsObj) e.payload()).amount() < 0) {
          rejected = e;
        }
      }
      (round < 50 ? first : second).addAll(drained);
    }
    assertEquals(10_000, first.size() + second.size());

    BatchHandler handler = new BatchHandler();
    Properties props = Fixtures.fastClient(bootstrap, unique("batch"));
    KafkaInfra consumer =
        KafkaInfra.builder()
            .properties(props)
            .batch(MAX_SIZE, Duration.ofMillis(200))
            .retry(2, Duration.ofMillis(20))
            .retryTopic(0, Duration.ofSeconds(1))
            .build();
    consumer.subscribe(handler);
    consumer.start(catalog);
    String poisonId = UUID.randomUUID().toString();
    try (consumer;
        KafkaInfra publisher =
            KafkaInfra.builder().properties(Fixtures.fastClient(bootstrap, null)).build()) {
      publisher.start(catalog);
      publisher.publishAndWait(first);
      // An event of the batched name whose value does not decode: poison, among the batches.
      RawRecords.send(
          bootstrap, topic, "7", "{not json", RawRecords.envelopeHeaders(SHOPPING, poisonId));
      publisher.publishAndWait(second);

      await(WAIT, "every good event handled", () -> handler.handled.size() == 9_999);
      List<ConsumerRecord<byte[], byte[]>> dead =
          RawRecords.read(bootstrap, "fail-" + topic, 2, WAIT);
      Map<String, ConsumerRecord<byte[], byte[]>> byReason = new HashMap<>();
      for (ConsumerRecord<byte[], byte[]> letter : dead) {
        byReason.put(RawRecords.header(letter, EnvelopeHeaders.REASON), letter);
      }
      ConsumerRecord<byte[], byte[]> poison = byReason.get(PoisonRecordException.INVALID_JSON);
      ConsumerRecord<byte[], byte[]> failed = byReason.get(DeadLetterRouter.HANDLER_FAILED);
      assertEquals(poisonId, RawRecords.header(poison, EnvelopeHeaders.EVENT_ID));
      assertEquals(
          rejected.eventId().toString(), RawRecords.header(failed, EnvelopeHeaders.EVENT_ID));
      assertTrue(
          RawRecords.header(failed, EnvelopeHeaders.EXCEPTION_MESSAGE)
              .contains("rejected amount -1"));
      assertEquals("2", RawRecords.header(failed, EnvelopeHeaders.ATTEMPTS));
      assertEquals(2, dead.size(), "nothing else is dead-lettered");

      // Exactly once each, and nothing for the two bad records.
      for (EventEnvelope e : first) {
        checkOnce(handler, e, rejected);
      }
      for (EventEnvelope e : second) {
        checkOnce(handler, e, rejected);
      }
      // Each aggregate's events in the order raised: one partition, read in order.
      for (Map.Entry<Long, List<Integer>> entry : handler.sequences.entrySet()) {
        List<Integer> seen = entry.getValue();
        for (int i = 1; i < seen.size(); i++) {
          assertTrue(
              seen.get(i - 1) < seen.get(i),
              "aggregate " + entry.getKey() + " out of order: " + seen);
        }
      }
      int largest = handler.batchSizes.stream().mapToInt(Integer::intValue).max().orElse(0);
      assertTrue(largest > 1, "some batch holds more than one record: " + handler.batchSizes);
      assertTrue(largest <= MAX_SIZE, "no batch exceeds the maximum: " + largest);
      assertTrue(
          handler.batchSizes.size() < 9_999 / 2,
          "mostly batched: " + handler.batchSizes.size() + " calls");
    }
  }

  private static void checkOnce(BatchHandler handler, EventEnvelope event, EventEnvelope rejected) {
    AtomicInteger count = handler.handled.get(event.eventId());
    if (event.eventId().equals(rejected.eventId())) {
      assertEquals(null, count, "the rejected event never counts as handled");
    } else {
      assertEquals(1, count == null ? 0 : count.get(), "handled once: " + event.eventId());
    }
  }
}
