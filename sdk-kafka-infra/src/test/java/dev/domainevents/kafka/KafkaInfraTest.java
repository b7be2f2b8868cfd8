package dev.domainevents.kafka;

import static dev.domainevents.kafka.Fixtures.SHOPPING;
import static dev.domainevents.kafka.Fixtures.await;
import static dev.domainevents.kafka.Fixtures.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.domainevents.DomainEvents;
import dev.domainevents.EventContext;
import dev.domainevents.EventEnvelope;
import dev.domainevents.EventScope;
import dev.domainevents.kafka.Fixtures.Goods;
import dev.domainevents.kafka.Fixtures.GoodsObj;
import dev.domainevents.kafka.Fixtures.RecordingHandler;
import dev.domainevents.kafka.Fixtures.SellMessage;
import dev.domainevents.spi.DedupeStore;
import dev.domainevents.spi.Envelopes;
import dev.domainevents.spi.EventCatalog;
import dev.domainevents.spi.EventDispatcher;
import dev.domainevents.test.kafka.EmbeddedKafkaExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** KafkaInfra against a real single-node KRaft broker, shared by the tests of this class. */
@SuppressWarnings("try") // scopes and installations are opened for their effect
class KafkaInfraTest {
  @RegisterExtension static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

  // A bound, not a delay: waits return as soon as the condition holds. Generous, because CI
  // machines have two cores shared with the broker.
  private static final Duration WAIT = Duration.ofSeconds(180);
  private static final String TRACEPARENT =
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

  private static KafkaInfra start(
      Properties props, EventCatalog catalog, EventDispatcher... handlers) {
    KafkaInfra infra = KafkaInfra.builder().properties(props).build();
    for (EventDispatcher handler : handlers) {
      infra.subscribe(handler);
    }
    infra.start(catalog);
    return infra;
  }

  private static Properties props(String group) {
    return Fixtures.fastClient(KAFKA.bootstrapServers(), group);
  }

  @Test
  void everyEnvelopeFieldAndHeaderRoundTrips() throws Exception {
    String topic = unique("goods.round-trip");
    String plainTopic = unique("event-sell");
    EventCatalog catalog = EventCatalog.of(Fixtures.registry(topic));
    RecordingHandler handler = new RecordingHandler(plainTopic);
    KafkaInfra infra = KafkaInfra.builder().properties(props(unique("round-trip"))).build();

    Goods goods = new Goods(42);
    EventEnvelope raised;
    EventEnvelope parent;
    try (EventScope scope = EventScope.correlate("corr-7")) {
      parent =
          Envelopes.event(
              SHOPPING,
              "1",
              new GoodsObj(1, "p", 1, 0, null, null),
              Map.of(EventScope.TRACEPARENT, TRACEPARENT));
    }
    try (DomainEvents.Installation installation = DomainEvents.install(infra, catalog, handler)) {
      // Raised as if by a handler of `parent`: causation, correlation and traceparent follow.
      try (Envelopes.Scope scope = Envelopes.handling(parent)) {
        goods.shopping(3);
      }
      // The catalog registers the event with schema version 2; publishing stamps it.
      raised = goods.pendingEvents().get(0).withSchemaVersion(2);
      DomainEvents.publishAndWait(goods);
      try (EventScope scope = EventScope.correlate("corr-plain", TRACEPARENT)) {
        infra
            .message(plainTopic, new SellMessage("sku-1", 2))
            .header("x-action", "sell")
            .key("sku-1")
            .publishAndWait();
      }
      await(WAIT, "both deliveries", () -> handler.handled.size() == 2);

      EventEnvelope received = byName(handler, SHOPPING).envelope();
      assertEquals(raised, received, "every envelope field survives the trip");
      assertEquals("corr-7", received.correlationId());
      assertEquals(parent.eventId().toString(), received.causationId());
      assertEquals(TRACEPARENT, received.header(EventScope.TRACEPARENT));
      assertEquals("buy", received.header("x-action"));
      assertEquals(2, received.schemaVersion());

      EventEnvelope plain = byName(handler, plainTopic).envelope();
      assertEquals(plainTopic, plain.name());
      assertEquals("", plain.aggregateType());
      assertEquals("sku-1", plain.aggregateId());
      assertEquals(new SellMessage("sku-1", 2), plain.payload());
      assertEquals(
          Map.of("x-action", "sell", EventScope.TRACEPARENT, TRACEPARENT), plain.headers());
      assertEquals("corr-plain", plain.correlationId());
    }

    ConsumerRecord<byte[], byte[]> record =
        RawRecords.read(KAFKA.bootstrapServers(), topic, 1, WAIT).get(0);
    assertEquals("42", RawRecords.string(record.key()), "the key is the aggregate id");
    assertEquals(raised.eventId().toString(), RawRecords.header(record, EnvelopeHeaders.EVENT_ID));
    assertEquals(SHOPPING, RawRecords.header(record, EnvelopeHeaders.EVENT_NAME));
    assertEquals("Goods", RawRecords.header(record, EnvelopeHeaders.AGGREGATE_TYPE));
    assertEquals("42", RawRecords.header(record, EnvelopeHeaders.AGGREGATE_ID));
    assertEquals("corr-7", RawRecords.header(record, EnvelopeHeaders.CORRELATION_ID));
    assertEquals(
        parent.eventId().toString(), RawRecords.header(record, EnvelopeHeaders.CAUSATION_ID));
    assertEquals("2", RawRecords.header(record, EnvelopeHeaders.SCHEMA_VERSION));
    assertEquals("application/json", RawRecords.header(record, EnvelopeHeaders.CONTENT_TYPE));
    assertEquals(TRACEPARENT, RawRecords.header(record, "traceparent"));
    Instant.parse(RawRecords.header(record, EnvelopeHeaders.OCCURRED_AT));
    String json = RawRecords.string(record.value());
    assertTrue(
        json.contains("\"at\":\"2026-01-02T03:04:05.123456Z\""), "java.time as ISO-8601: " + json);
  }

  private static EventContext byName(RecordingHandler handler, String name) {
    return handler.handled.stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
  }

  /** Both rebalance protocols: the classic eager one and KIP-848's incremental one. */
  @ParameterizedTest
  @ValueSource(strings = {"classic", "consumer"})
  void tenThousandEventsOverHundredAggregatesArriveOnceAndInOrder(String protocol)
      throws Exception {
    String topic = unique("goods.bulk");
    KAFKA.broker().createTopic(topic, 3);
    String group = unique("bulk-" + protocol);
    Properties props = props(group);
    if (protocol.equals("consumer")) {
      // The broker owns these under KIP-848; the client may not set them.
      props.remove("session.timeout.ms");
      props.remove("heartbeat.interval.ms");
      props.put("group.protocol", "consumer");
    }
    EventCatalog catalog = EventCatalog.of(Fixtures.registry(topic));
    DedupeStore shared = DedupeStore.create();
    Map<UUID, Integer> callsPerEvent = new ConcurrentHashMap<>();
    Map<String, List<Integer>> sequences = new ConcurrentHashMap<>();
    Map<String, Set<String>> consumersPerAggregate = new ConcurrentHashMap<>();
    RecordingHandler first =
        countingHandler("first", callsPerEvent, sequences, consumersPerAggregate);
    RecordingHandler second =
        countingHandler("second", callsPerEvent, sequences, consumersPerAggregate);

    KafkaInfra two = null;
    try (KafkaInfra one = startWithDedupe(props, catalog, shared, first)) {
      Goods[] goods = Fixtures.aggregates(100, 1_000);
      for (int round = 0; round < 100; round++) {
        for (Goods g : goods) {
          g.shopping(1);
        }
        one.publish(Fixtures.drain(goods)).join();
        if (round == 30) {
          // The second instance joins while the first is consuming: a rebalance mid-stream.
          two = startWithDedupe(props, catalog, shared, second);
          KafkaInfra joining = two;
          await(WAIT, "the second consumer to own a partition", () -> owned(joining, topic) > 0);
        }
      }
      await(
          WAIT,
          "10,000 events, not just " + callsPerEvent.size(),
          () -> callsPerEvent.size() == 10_000);
      Thread.sleep(300); // let any late duplicate show up before counting
    } finally {
      if (two != null) {
        two.close();
      }
    }

    assertEquals(10_000, callsPerEvent.size(), "every event handled");
    List<UUID> repeated =
        callsPerEvent.entrySet().stream()
            .filter(e -> e.getValue() != 1)
            .map(Map.Entry::getKey)
            .collect(Collectors.toList());
    assertEquals(List.of(), repeated, "each event handled exactly once after dedupe");
    assertEquals(100, sequences.size());
    for (Map.Entry<String, List<Integer>> aggregate : sequences.entrySet()) {
      List<Integer> expected = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        expected.add(i);
      }
      assertEquals(expected, aggregate.getValue(), "order of aggregate " + aggregate.getKey());
    }
    Set<String> consumers = new HashSet<>();
    consumersPerAggregate.values().forEach(consumers::addAll);
    assertEquals(Set.of("first", "second"), consumers, "both instances took part");
  }

  private static long owned(KafkaInfra infra, String topic) {
    return infra.assignment().stream().filter(p -> p.topic().equals(topic)).count();
  }

  private static KafkaInfra startWithDedupe(
      Properties props, EventCatalog catalog, DedupeStore store, EventDispatcher handler) {
    KafkaInfra infra = KafkaInfra.builder().properties(props).dedupeStore(store).build();
    infra.subscribe(handler);
    infra.start(catalog);
    return infra;
  }

  private static RecordingHandler countingHandler(
      String name,
      Map<UUID, Integer> callsPerEvent,
      Map<String, List<Integer>> sequences,
      Map<String, Set<String>> consumersPerAggregate) {
    return new RecordingHandler()
        .behave(
            (envelope, attempt) -> {
              callsPerEvent.merge(envelope.eventId(), 1, Integer::sum);
              GoodsObj goods = (GoodsObj) envelope.payload();
              sequences
                  .computeIfAbsent(
                      envelope.aggregateId(), k -> Collections.synchronizedList(new ArrayList<>()))
                  .add(goods.sequence());
              consumersPerAggregate
                  .computeIfAbsent(envelope.aggregateId(), k -> ConcurrentHashMap.newKeySet())
                  .add(name);
            });
  }

  @Test
  void concurrentConsumersSplitThePartitionsAndKeepEachAggregateInOrder() {
    String topic = unique("goods.concurrent");
    KAFKA.broker().createTopic(topic, 2);
    Properties props = props(unique("concurrent"));
    props.put("domainevents.consumer.concurrency", "2");
    props.put("domainevents.ordered", "true"); // no retry topic: exactly the 2 partitions to share
    Map<String, List<Integer>> sequences = new ConcurrentHashMap<>();
    Set<String> threads = ConcurrentHashMap.newKeySet();
    RecordingHandler handler =
        new RecordingHandler()
            .behave(
                (envelope, attempt) -> {
                  threads.add(Thread.currentThread().getName());
                  sequences
                      .computeIfAbsent(envelope.aggregateId(), k -> new CopyOnWriteArrayList<>())
                      .add(((GoodsObj) envelope.payload()).sequence());
                });
    try (KafkaInfra infra = start(props, EventCatalog.of(Fixtures.registry(topic)), handler)) {
      await(
          WAIT,
          "each consumer to own a partition",
          () -> infra.consumers().stream().allMatch(c -> c.assignment().size() == 1));
      Goods[] goods = Fixtures.aggregates(10, 500);
      for (int i = 0; i < 20; i++) {
        for (Goods g : goods) {
          g.shopping(1);
        }
      }
      infra.publishAndWait(Fixtures.drain(goods));
      await(WAIT, "200 events", () -> handler.handled.size() == 200);
    }
    assertEquals(2, threads.size(), "two consumer threads handled events: " + threads);
    List<Integer> inOrder = IntStream.range(0, 20).boxed().toList();
    sequences.forEach((aggregate, seen) -> assertEquals(inOrder, seen, "aggregate " + aggregate));
  }

  @Test
  void anEventPublishedTwiceIsHandledOnce() {
    String topic = unique("goods.duplicate");
    RecordingHandler handler = new RecordingHandler();
    try (KafkaInfra infra =
        start(props(unique("duplicate")), EventCatalog.of(Fixtures.registry(topic)), handler)) {
      Goods goods = new Goods(4);
      goods.shopping(1);
      List<EventEnvelope> once = Fixtures.drain(goods);
      goods.shopping(2);
      List<EventEnvelope> next = Fixtures.drain(goods);
      infra.publishAndWait(once);
      infra.publishAndWait(once); // e.g. an outbox relay that crashed before marking it sent
      infra.publishAndWait(next);
      await(WAIT, "the next event", () -> handler.handled.size() >= 2);
      assertEquals(
          List.of(once.get(0).eventId(), next.get(0).eventId()),
          handler.handled.stream().map(EventContext::eventId).toList(),
          "the duplicate was skipped, the next event was not");
    }
  }

  @Test
  void aHandlerThatFailsTwiceThenSucceedsIsRetriedInPlace() {
    String topic = unique("goods.flaky");
    RecordingHandler handler =
        new RecordingHandler()
            .behave(
                (envelope, attempt) -> {
                  if (attempt <= 2) {
                    throw new IllegalStateException("flaky, attempt " + attempt);
                  }
                });
    Properties props = props(unique("flaky"));
    props.put("domainevents.retry.attempts", "3");
    try (KafkaInfra infra = start(props, EventCatalog.of(Fixtures.registry(topic)), handler)) {
      Goods goods = new Goods(5);
      goods.shopping(1);
      infra.publishAndWait(Fixtures.drain(goods));
      await(WAIT, "the third attempt", () -> handler.handled.size() == 1);
      assertEquals(List.of(1, 2, 3), handler.calls.stream().map(EventContext::attempt).toList());
      assertEquals(3, handler.handled.get(0).attempt());
    }
  }

  @Test
  void anAlwaysFailingHandlerDeadLettersAfterAllAttemptsAndLaterRecordsAreHandled() {
    String topic = unique("goods.poisoned-handler");
    String group = unique("always-fails");
    RecordingHandler handler = failingFor(666);
    Properties props = props(group);
    props.put("domainevents.retry.attempts", "2");
    props.put("domainevents.retry.topic.rounds", "1");
    props.put("domainevents.retry.topic.delay.ms", "500");
    EventCatalog catalog = EventCatalog.of(Fixtures.registry(topic));
    UUID badId;
    try (KafkaInfra infra = start(props, catalog, handler)) {
      Goods bad = new Goods(666);
      Goods good = new Goods(1);
      bad.shopping(1);
      good.shopping(1);
      good.shopping(2);
      List<EventEnvelope> events = Fixtures.drain(bad, good);
      badId = events.get(0).eventId();
      infra.publishAndWait(events);

      await(WAIT, "the later records", () -> handler.handled.size() == 2);
      List<ConsumerRecord<byte[], byte[]>> dead =
          RawRecords.read(KAFKA.bootstrapServers(), "fail-" + topic, 1, WAIT);
      ConsumerRecord<byte[], byte[]> letter = dead.get(0);
      assertEquals(badId.toString(), RawRecords.header(letter, EnvelopeHeaders.EVENT_ID));
      assertEquals("666", RawRecords.string(letter.key()));
      assertEquals(
          IllegalStateException.class.getName(),
          RawRecords.header(letter, EnvelopeHeaders.EXCEPTION_CLASS));
      assertEquals(
          "cannot handle 666", RawRecords.header(letter, EnvelopeHeaders.EXCEPTION_MESSAGE));
      assertEquals(topic, RawRecords.header(letter, EnvelopeHeaders.ORIGINAL_TOPIC));
      assertEquals("0", RawRecords.header(letter, EnvelopeHeaders.ORIGINAL_PARTITION));
      assertEquals("0", RawRecords.header(letter, EnvelopeHeaders.ORIGINAL_OFFSET));
      assertEquals(
          "4",
          RawRecords.header(letter, EnvelopeHeaders.ATTEMPTS),
          "2 in place, then 2 after one retry round");
      assertEquals(group, RawRecords.header(letter, EnvelopeHeaders.GROUP));
      assertEquals("handler-failed", RawRecords.header(letter, EnvelopeHeaders.REASON));
      assertEquals(
          List.of(1, 2, 3, 4),
          handler.calls.stream()
              .filter(c -> c.eventId().equals(badId))
              .map(EventContext::attempt)
              .toList());
      int secondAttempt = indexOf(handler, badId, 2);
      int thirdAttempt = indexOf(handler, badId, 3);
      long delayMs =
          (handler.callTimes.get(thirdAttempt) - handler.callTimes.get(secondAttempt)) / 1_000_000;
      assertTrue(delayMs >= 450, "the retry topic's delay is honoured: " + delayMs + " ms");
      int lastGood = handler.calls.indexOf(handler.handled.get(1));
      assertTrue(lastGood < thirdAttempt, "the later records did not wait for the retry");

      // The bug is fixed: replay the dead letter with the command-line entry point.
      handler.behave((envelope, attempt) -> {});
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      int status =
          DeadLetterReplayer.run(
              new String[] {
                "--bootstrap-servers", KAFKA.bootstrapServers(), "--topic", "fail-" + topic
              },
              new PrintStream(out, true, StandardCharsets.UTF_8),
              System.err);
      assertEquals(0, status);
      assertTrue(
          out.toString(StandardCharsets.UTF_8).contains("replayed 1 record(s)"),
          out.toString(StandardCharsets.UTF_8));
      await(
          WAIT,
          "the replayed event",
          () -> handler.handled.stream().anyMatch(c -> c.eventId().equals(badId)));
      EventContext replayed =
          handler.handled.stream().filter(c -> c.eventId().equals(badId)).findFirst().orElseThrow();
      assertEquals(1, replayed.attempt(), "a replayed record starts afresh");
    }
  }

  @Test
  void orderedModeRetriesInPlaceThenDeadLettersWithoutReordering() {
    String topic = unique("goods.ordered");
    RecordingHandler handler = failingFor(7, 0);
    Properties props = props(unique("ordered"));
    props.put("domainevents.ordered", "true");
    props.put("domainevents.retry.attempts", "3");
    // Blocking retries wait 1.5 s + 3 s, longer than max.poll.interval.ms: the consumer must
    // stay in the group meanwhile, or the record would be redelivered from attempt 1.
    props.put("domainevents.retry.backoff.ms", "1500");
    props.put("max.poll.interval.ms", "2500");
    try (KafkaInfra infra = start(props, EventCatalog.of(Fixtures.registry(topic)), handler)) {
      Goods goods = new Goods(7);
      goods.shopping(1);
      goods.shopping(2);
      goods.shopping(3);
      infra.publishAndWait(Fixtures.drain(goods));
      await(WAIT, "the later events", () -> handler.handled.size() == 2);
      List<Integer> calls =
          handler.calls.stream().map(c -> ((GoodsObj) c.envelope().payload()).sequence()).toList();
      assertEquals(
          List.of(0, 0, 0, 1, 2),
          calls,
          "the failing event blocks its aggregate until dead-lettered");
      assertEquals(
          List.of(1, 2, 3, 1, 1), handler.calls.stream().map(EventContext::attempt).toList());
      ConsumerRecord<byte[], byte[]> letter =
          RawRecords.read(KAFKA.bootstrapServers(), "fail-" + topic, 1, WAIT).get(0);
      assertEquals("3", RawRecords.header(letter, EnvelopeHeaders.ATTEMPTS));
    }
  }

  private static int indexOf(RecordingHandler handler, UUID id, int attempt) {
    for (int i = 0; i < handler.calls.size(); i++) {
      EventContext call = handler.calls.get(i);
      if (call.eventId().equals(id) && call.attempt() == attempt) {
        return i;
      }
    }
    throw new AssertionError("no attempt " + attempt + " of " + id);
  }

  /** Fails every delivery of aggregate {@code id}, or only its event {@code sequence}. */
  private static RecordingHandler failingFor(long id, int... sequence) {
    return new RecordingHandler()
        .behave(
            (envelope, attempt) -> {
              GoodsObj goods = (GoodsObj) envelope.payload();
              if (goods.id() == id && (sequence.length == 0 || goods.sequence() == sequence[0])) {
                throw new IllegalStateException("cannot handle " + id);
              }
            });
  }

  @Test
  void poisonRecordsGoToTheDeadLetterTopicAndTheConsumerKeepsGoing() throws Exception {
    String topic = unique("goods.poison");
    RecordingHandler handler = new RecordingHandler();
    String bootstrap = KAFKA.bootstrapServers();
    try (KafkaInfra infra =
        start(props(unique("poison")), EventCatalog.of(Fixtures.registry(topic)), handler)) {
      String valid = "{\"id\":9,\"name\":\"n\",\"amount\":1,\"sequence\":0}";
      RawRecords.send(
          bootstrap, topic, "9", "{not json", headers(SHOPPING, UUID.randomUUID().toString()));
      // Neither an event name nor a plain topic with a handler: garbage, not a newer producer's
      // event.
      RawRecords.send(bootstrap, topic, "9", valid, headers("nope", UUID.randomUUID().toString()));
      Map<String, String> missing = headers(SHOPPING, UUID.randomUUID().toString());
      missing.remove(EnvelopeHeaders.EVENT_ID);
      RawRecords.send(bootstrap, topic, "9", valid, missing);
      RawRecords.send(bootstrap, topic, "9", valid, headers(SHOPPING, "not-a-uuid"));
      RawRecords.send(
          bootstrap,
          topic,
          "9",
          "{\"id\":\"nine\"}",
          headers(SHOPPING, UUID.randomUUID().toString()));
      RawRecords.send(bootstrap, topic, "9", null, headers(SHOPPING, UUID.randomUUID().toString()));
      String goodId = UUID.randomUUID().toString();
      RawRecords.send(bootstrap, topic, "9", valid, headers(SHOPPING, goodId));

      await(WAIT, "the valid record after the poison", () -> handler.handled.size() == 1);
      assertEquals(goodId, handler.handled.get(0).eventId().toString());
      List<ConsumerRecord<byte[], byte[]>> dead =
          RawRecords.read(bootstrap, "fail-" + topic, 6, WAIT);
      assertEquals(
          List.of(
              "invalid-json",
              "unknown-event",
              "missing-header",
              "malformed-header",
              "payload-mismatch",
              "empty-value"),
          dead.stream().map(r -> RawRecords.header(r, EnvelopeHeaders.REASON)).toList());
      for (ConsumerRecord<byte[], byte[]> letter : dead) {
        assertEquals(topic, RawRecords.header(letter, EnvelopeHeaders.ORIGINAL_TOPIC));
        assertEquals("0", RawRecords.header(letter, EnvelopeHeaders.ATTEMPTS));
        assertTrue(RawRecords.header(letter, EnvelopeHeaders.EXCEPTION_MESSAGE).length() > 5);
      }
      assertEquals(1, handler.calls.size(), "poison never reaches a handler");
    }
  }

  private static Map<String, String> headers(String name, String id) {
    return RawRecords.envelopeHeaders(name, id);
  }

  @Test
  void aConsumerKilledMidStreamLosesNothingAfterRestart() {
    String topic = unique("goods.crash");
    String group = unique("crash");
    EventCatalog catalog = EventCatalog.of(Fixtures.registry(topic));
    Set<UUID> beforeCrash = ConcurrentHashMap.newKeySet();
    Set<UUID> afterRestart = ConcurrentHashMap.newKeySet();
    RecordingHandler slow =
        new RecordingHandler()
            .behave(
                (envelope, attempt) -> {
                  beforeCrash.add(envelope.eventId());
                  Thread.sleep(2);
                });
    Properties props = props(group);
    props.put("max.poll.records", "20");
    List<EventEnvelope> events;
    try (KafkaInfra publisher = start(props(null), catalog)) {
      Goods[] goods = Fixtures.aggregates(3, 1);
      for (int i = 0; i < 100; i++) {
        for (Goods g : goods) {
          g.shopping(1);
        }
      }
      events = Fixtures.drain(goods);
      publisher.publishAndWait(events);
    }
    KafkaInfra crashing = start(props, catalog, slow);
    await(WAIT, "some events handled", () -> beforeCrash.size() >= 100);
    crashing.abortConsumers();
    crashing.close();
    assertTrue(beforeCrash.size() < 300, "the crash happened mid-stream");

    RecordingHandler recovering =
        new RecordingHandler().behave((envelope, attempt) -> afterRestart.add(envelope.eventId()));
    try (KafkaInfra restarted = start(props, catalog, recovering)) {
      Set<UUID> all = events.stream().map(EventEnvelope::eventId).collect(Collectors.toSet());
      await(
          WAIT,
          "every event",
          () -> {
            Set<UUID> seen = new HashSet<>(beforeCrash);
            seen.addAll(afterRestart);
            return seen.containsAll(all);
          });
      Set<UUID> missedByFirst = new HashSet<>(all);
      missedByFirst.removeAll(beforeCrash);
      assertTrue(afterRestart.containsAll(missedByFirst));
    }
  }

  @Test
  void aGracefulCloseCommitsWhatWasHandledAndHandsBackTheRest() {
    String topic = unique("goods.shutdown");
    String group = unique("shutdown");
    EventCatalog catalog = EventCatalog.of(Fixtures.registry(topic));
    List<UUID> first = new CopyOnWriteArrayList<>();
    List<UUID> second = new CopyOnWriteArrayList<>();
    Properties props = props(group);
    props.put("max.poll.records", "20");
    List<EventEnvelope> events;
    try (KafkaInfra publisher = start(props(null), catalog)) {
      Goods goods = new Goods(3);
      for (int i = 0; i < 200; i++) {
        goods.shopping(1);
      }
      events = Fixtures.drain(goods);
      publisher.publishAndWait(events);
    }
    KafkaInfra closing =
        start(
            props,
            catalog,
            new RecordingHandler()
                .behave(
                    (e, a) -> {
                      first.add(e.eventId());
                      Thread.sleep(2);
                    }));
    await(WAIT, "some events handled", () -> first.size() >= 50);
    closing.close();
    try (KafkaInfra next =
        start(props, catalog, new RecordingHandler().behave((e, a) -> second.add(e.eventId())))) {
      await(WAIT, "the rest", () -> first.size() + second.size() >= 200);
    }
    List<UUID> together = new ArrayList<>(first);
    together.addAll(second);
    assertEquals(
        events.stream().map(EventEnvelope::eventId).toList(),
        together,
        "no loss, no repeat, in order");
  }

  @Test
  void aFailingDedupeStoreDelaysARecordButNeitherLosesNorStopsAnything() {
    String topic = unique("goods.dedupe-down");
    DedupeStore real = DedupeStore.create(10);
    AtomicInteger outages = new AtomicInteger(2);
    DedupeStore flaky =
        new DedupeStore() {
          @Override
          public boolean contains(String group, UUID eventId) {
            if (outages.getAndDecrement() > 0) {
              throw new IllegalStateException("dedupe store unreachable");
            }
            return real.contains(group, eventId);
          }

          @Override
          public void add(String group, UUID eventId) {
            real.add(group, eventId);
          }
        };
    RecordingHandler handler = new RecordingHandler();
    try (KafkaInfra infra =
        startWithDedupe(
            props(unique("dedupe-down")),
            EventCatalog.of(Fixtures.registry(topic)),
            flaky,
            handler)) {
      Goods goods = new Goods(8);
      goods.shopping(1);
      goods.shopping(2);
      infra.publishAndWait(Fixtures.drain(goods));
      await(WAIT, "both events", () -> handler.handled.size() == 2);
      assertEquals(
          List.of(0, 1),
          handler.handled.stream()
              .map(c -> ((GoodsObj) c.envelope().payload()).sequence())
              .toList());
    }
  }

  @Test
  void debugModeLogsPublishAndConsumeWithSecretsRedacted() {
    String topic = unique("goods.debug");
    Properties props = props(unique("debug"));
    props.put("domainevents.debug", "true");
    props.put(
        "sasl.jaas.config",
        "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"shop\" password=\"jaas-s3cret\";");
    props.put("ssl.truststore.password", "store-s3cret");
    props.put("ssl.key.password", "key-s3cret");
    RecordingHandler handler = new RecordingHandler();
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    UUID id;
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try (KafkaInfra infra = start(props, EventCatalog.of(Fixtures.registry(topic)), handler)) {
      Goods goods = new Goods(11);
      goods.shopping(1);
      List<EventEnvelope> events = Fixtures.drain(goods);
      id = events.get(0).eventId();
      infra.publishAndWait(events);
      await(WAIT, "the delivery", () -> handler.handled.size() == 1);
      assertTrue(infra.toString().contains(KAFKA.bootstrapServers()));
      assertFalse(infra.toString().contains("s3cret"));
    } finally {
      System.setErr(original);
    }
    String log = captured.toString(StandardCharsets.UTF_8);
    assertFalse(log.contains("s3cret"), "no secret in the log");
    assertTrue(log.contains("sasl.jaas.config=[redacted]"), "the secret's key is shown redacted");
    assertTrue(log.contains("ssl.truststore.password=[redacted]"));
    String publish = line(log, "publish client=");
    assertTrue(
        publish.contains("topic=" + topic)
            && publish.contains("partition=0")
            && publish.contains("offset=0")
            && publish.contains("event=Goods:Shopping")
            && publish.contains("id=" + id)
            && publish.contains("brokers=" + KAFKA.bootstrapServers())
            && publish.contains("duration="),
        publish);
    String consume = line(log, "consume client=");
    assertTrue(
        consume.contains("topic=" + topic)
            && consume.contains("offset=0")
            && consume.contains("id=" + id)
            && consume.contains("duration="),
        consume);
  }

  private static String line(String log, String marker) {
    return log.lines()
        .filter(l -> l.contains(marker))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no line with " + marker + " in:\n" + log));
  }
}
