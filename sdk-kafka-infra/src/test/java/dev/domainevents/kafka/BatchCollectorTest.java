package dev.domainevents.kafka;

import static dev.domainevents.kafka.Fixtures.SHOPPING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.domainevents.Delivery;
import dev.domainevents.EventContext;
import dev.domainevents.EventEnvelope;
import dev.domainevents.EventInterceptor;
import dev.domainevents.EventInterceptors;
import dev.domainevents.EventType;
import dev.domainevents.json.JsonPayloadCodec;
import dev.domainevents.kafka.Fixtures.GoodsObj;
import dev.domainevents.spi.DedupeStore;
import dev.domainevents.spi.DispatchTable;
import dev.domainevents.spi.Envelopes;
import dev.domainevents.spi.EventCatalog;
import dev.domainevents.spi.EventDispatcher;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

/**
 * {@link BatchCollector} on hand-made records, without a broker: what goes where, in what order.
 */
class BatchCollectorTest {
  private static final String TOPIC = "goods";
  private static final String RESTOCK = "Goods:Restock";
  private static final TopicPartition P0 = new TopicPartition(TOPIC, 0);
  private static final TopicPartition P1 = new TopicPartition(TOPIC, 1);

  private final EventCatalog catalog =
      EventCatalog.of(
          Fixtures.registry(
              List.of(
                  EventType.of(SHOPPING, GoodsObj.class, TOPIC, Fixtures.SCHEMA_VERSION),
                  EventType.of(RESTOCK, GoodsObj.class, TOPIC, Fixtures.SCHEMA_VERSION))));
  private final List<String> log = new ArrayList<>();
  private final DedupeStore dedupe = DedupeStore.create();
  private RuntimeException failBatchWith;

  /** Batches Goods:Shopping; takes Goods:Restock one at a time. */
  private final EventDispatcher dispatcher =
      new EventDispatcher() {
        @Override
        public Set<String> events() {
          return Set.of(SHOPPING, RESTOCK);
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
          throw new AssertionError("the record path is the fake's, not the table's");
        }

        @Override
        public boolean dispatchBatch(String name, List<? extends EventContext> contexts) {
          if (failBatchWith != null) {
            throw failBatchWith;
          }
          StringBuilder batch = new StringBuilder("batch");
          for (EventContext context : contexts) {
            batch.append(' ').append(((GoodsObj) context.envelope().payload()).sequence());
          }
          log.add(batch.toString());
          return true;
        }
      };

  private final List<String> outcomes = new ArrayList<>();
  private final EventInterceptor recording =
      new EventInterceptor() {
        @Override
        public void handleBatch(List<? extends Delivery> deliveries, HandleStep next)
            throws Exception {
          log.add("intercepted " + deliveries.size());
          next.handle();
        }

        @Override
        public void onOutcome(Delivery delivery, Outcome outcome, Throwable cause, long nanos) {
          outcomes.add(outcome + "@" + delivery.partition() + ":" + delivery.offset());
        }
      };

  private final DispatchTable table =
      DispatchTable.of(
          List.of(dispatcher),
          EventInterceptors.builder().logContext(false).add(recording).build(),
          "kafka");
  private final EnvelopeCodec codec =
      new EnvelopeCodec(JsonPayloadCodec.create(), catalog, table, WireFormat.DOMAINEVENTS);

  /** The consumer's side: records what it is asked, and stops a partition on request. */
  private final class FakePath implements BatchCollector.RecordPath {
    final Map<TopicPartition, Long> done = new HashMap<>();
    long stopAt = -1;

    @Override
    public boolean handle(ConsumerRecord<byte[], byte[]> record, TopicPartition partition) {
      log.add("one " + record.partition() + ":" + record.offset());
      if (record.offset() == stopAt) {
        return false;
      }
      done.put(partition, record.offset());
      return true;
    }

    @Override
    public void done(TopicPartition partition, long offset) {
      done.put(partition, offset);
    }

    @Override
    public boolean waiting(TopicPartition partition) {
      return false;
    }
  }

  private final FakePath path = new FakePath();

  private BatchCollector collector(int maxSize, long maxWaitMs) {
    Properties props = new Properties();
    props.put("bootstrap.servers", "localhost:9");
    props.put("domainevents.batch.max.size", Integer.toString(maxSize));
    props.put("domainevents.batch.max.wait.ms", Long.toString(maxWaitMs));
    return BatchCollector.of(table, codec, dedupe, "g", Set.of(), KafkaSettings.parse(props), path);
  }

  private ConsumerRecord<byte[], byte[]> record(
      String name, TopicPartition partition, long offset, int sequence) {
    EventEnvelope envelope =
        Envelopes.event(name, "1", new GoodsObj(1, "g", 1, sequence, null, null), Map.of())
            .withSchemaVersion(Fixtures.SCHEMA_VERSION);
    ProducerRecord<byte[], byte[]> sent = codec.encode(envelope, TOPIC);
    return new ConsumerRecord<>(
        TOPIC,
        partition.partition(),
        offset,
        0L,
        TimestampType.CREATE_TIME,
        0,
        0,
        sent.key(),
        sent.value(),
        new RecordHeaders(sent.headers().toArray()),
        Optional.empty());
  }

  @Test
  void fullBatchesGoAtOnceAndTheRestWhenDue() throws Exception {
    BatchCollector batches = collector(2, 0);
    batches.beginPoll();
    for (int i = 0; i < 5; i++) {
      assertTrue(batches.offer(record(SHOPPING, P0, i, i), P0));
    }
    assertEquals(List.of("intercepted 2", "batch 0 1", "intercepted 2", "batch 2 3"), log);
    assertEquals(3L, path.done.get(P0), "done past the full batches only");
    batches.flushDue();
    assertEquals("batch 4", log.get(log.size() - 1));
    assertEquals(4L, path.done.get(P0));
    assertEquals(
        List.of("HANDLED@0:0", "HANDLED@0:1", "HANDLED@0:2", "HANDLED@0:3", "HANDLED@0:4"),
        outcomes);
  }

  @Test
  void anotherEventOfThePartitionWaitsForItsBatchButOtherPartitionsDoNot() throws Exception {
    BatchCollector batches = collector(10, 60_000);
    batches.beginPoll();
    batches.offer(record(SHOPPING, P0, 0, 0), P0);
    batches.offer(record(SHOPPING, P1, 0, 10), P1);
    batches.offer(record(SHOPPING, P0, 1, 1), P0);
    assertTrue(log.isEmpty(), "not full, not due");
    batches.offer(record(RESTOCK, P0, 2, 2), P0);
    assertEquals(List.of("intercepted 3", "batch 0 10 1", "one 0:2"), log);
    assertEquals(Map.of(P0, 2L, P1, 0L), path.done);
  }

  @Test
  void duplicatesAreLeftOutOfTheBatchAndCounted() throws Exception {
    BatchCollector batches = collector(3, 60_000);
    ConsumerRecord<byte[], byte[]> seen = record(SHOPPING, P0, 1, 1);
    dedupe.add("g", codec.decode(seen, false).envelope().eventId());
    batches.beginPoll();
    batches.offer(record(SHOPPING, P0, 0, 0), P0);
    batches.offer(seen, P0);
    batches.offer(record(SHOPPING, P0, 2, 2), P0);
    assertEquals(List.of("intercepted 2", "batch 0 2"), log);
    assertEquals(List.of("HANDLED@0:0", "HANDLED@0:2", "DUPLICATE@0:1"), outcomes);
    assertEquals(2L, path.done.get(P0));
  }

  @Test
  void aFailedBatchGoesRecordByRecordAndAWaitingPartitionDropsTheRest() throws Exception {
    BatchCollector batches = collector(4, 60_000);
    failBatchWith = new IllegalStateException("bad batch");
    path.stopAt = 1; // P0's record 1 keeps failing: its partition is rewound to it and waits
    batches.beginPoll();
    assertTrue(batches.offer(record(SHOPPING, P0, 0, 0), P0));
    assertTrue(batches.offer(record(SHOPPING, P1, 0, 10), P1));
    assertTrue(batches.offer(record(SHOPPING, P0, 1, 1), P0));
    boolean goOn = batches.offer(record(SHOPPING, P0, 2, 2), P0); // full: dispatched, fails
    assertEquals(false, goOn, "P0 waits: its later records of this poll are dropped");
    assertEquals(List.of("intercepted 4", "one 0:0", "one 1:0", "one 0:1"), log);
    assertEquals(Map.of(P0, 0L, P1, 0L), path.done);
    assertEquals(false, batches.offer(record(SHOPPING, P0, 3, 3), P0));
    assertTrue(outcomes.isEmpty(), "the record path reports its own outcomes");
  }
}
