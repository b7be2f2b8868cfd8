package dev.domainevents.kafka;

import static dev.domainevents.kafka.Fixtures.await;
import static dev.domainevents.kafka.Fixtures.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.domainevents.EventContext;
import dev.domainevents.EventInterceptors;
import dev.domainevents.InfraHealth;
import dev.domainevents.InfraHealth.State;
import dev.domainevents.InfraHealth.Status;
import dev.domainevents.kafka.Fixtures.Goods;
import dev.domainevents.kafka.Fixtures.RecordingHandler;
import dev.domainevents.kafka.Fixtures.SellMessage;
import dev.domainevents.spi.DedupeStore;
import dev.domainevents.spi.EventCatalog;
import dev.domainevents.spi.EventDispatcher;
import dev.domainevents.test.kafka.EmbeddedKafkaExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link KafkaInfra#health()}, the restart of a consumer killed by a fatal error, pause and resume,
 * and seeks for a replay, against a real broker.
 */
class HealthAndControlTest {
  @RegisterExtension static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

  // A bound, not a delay: waits return as soon as the condition holds.
  private static final Duration WAIT = Duration.ofSeconds(120);

  /** How long "stays unconsumed" and "stays down" are watched. */
  private static final long WATCH_MS = 3_000;

  private static Properties props(String group) {
    return Fixtures.fastClient(KAFKA.bootstrapServers(), group);
  }

  private static KafkaInfra start(
      Properties props, DedupeStore dedupe, String topic, EventDispatcher... handlers) {
    KafkaInfra.Builder builder = KafkaInfra.builder().properties(props);
    if (dedupe != null) {
      builder.dedupeStore(dedupe);
    }
    KafkaInfra infra = builder.build();
    for (EventDispatcher handler : handlers) {
      infra.subscribe(handler);
    }
    infra.start(EventCatalog.of(Fixtures.registry(topic)));
    return infra;
  }

  private static void publish(KafkaInfra infra, int count, long firstId) {
    Goods[] goods = Fixtures.aggregates(count, firstId);
    for (Goods g : goods) {
      g.shopping(1);
    }
    infra.publishAndWait(Fixtures.drain(goods));
  }

  private static InfraHealth.Consumer only(KafkaInfra infra) {
    List<InfraHealth.Consumer> consumers = infra.health().consumers();
    assertEquals(1, consumers.size(), consumers.toString());
    return consumers.get(0);
  }

  private static void awaitRunning(KafkaInfra infra, String topic) {
    await(
        WAIT,
        "a running consumer assigned " + topic,
        () -> {
          InfraHealth.Consumer consumer = only(infra);
          return consumer.state() == State.RUNNING
              && consumer.partitions().stream().anyMatch(p -> p.topic().equals(topic));
        });
  }

  /** The ids of the handled events of aggregates {@code from} to {@code to}, inclusive. */
  private static long handledBetween(RecordingHandler handler, long from, long to) {
    return handler.handled.stream()
        .map(c -> ((Fixtures.GoodsObj) c.envelope().payload()).id())
        .filter(id -> id >= from && id <= to)
        .count();
  }

  /** A handler whose first call throws an {@link Error}: the kind that escapes the poll loop. */
  private static RecordingHandler fatalOnce() {
    AtomicBoolean thrown = new AtomicBoolean();
    return new RecordingHandler()
        .behave(
            (envelope, attempt) -> {
              if (thrown.compareAndSet(false, true)) {
                throw new Error("handler bug: fatal");
              }
            });
  }

  @Test
  void aConsumerKilledByAFatalErrorIsDownWithItsCauseThenRestartsAndLosesNothing() {
    String topic = unique("goods.fatal");
    String group = unique("fatal");
    Properties props = props(group);
    // Long enough to watch it down; the default is 1 s.
    props.put("domainevents.consumer.restart.backoff.ms", "2000");
    RecordingHandler handler = fatalOnce();
    try (KafkaInfra infra = start(props, null, topic, handler)) {
      InfraHealth starting = infra.health();
      assertEquals("kafka", starting.system());
      assertEquals(group, starting.consumers().get(0).group());
      awaitRunning(infra, topic);
      assertEquals(Status.UP, infra.health().status());

      publish(infra, 1, 1);
      await(WAIT, "the consumer to stop", () -> only(infra).state() == State.STOPPED);
      InfraHealth down = infra.health();
      assertEquals(Status.DOWN, down.status());
      assertTrue(
          down.consumers().get(0).cause().contains("handler bug: fatal"),
          down.consumers().get(0).cause());
      assertEquals(0, down.consumers().get(0).restarts());

      await(
          WAIT,
          "the restarted consumer to run",
          () -> only(infra).state() == State.RUNNING && only(infra).restarts() == 1);
      assertEquals(Status.UP, infra.health().status());
      assertNull(only(infra).cause());
      // The record in hand when the thread died was not committed: the new consumer gets it.
      await(WAIT, "the record that killed it, handled", () -> handledBetween(handler, 1, 1) == 1);

      publish(infra, 3, 2);
      await(WAIT, "later events, handled", () -> handledBetween(handler, 2, 4) == 3);
      assertEquals(1, only(infra).restarts());
      await(WAIT, "lag 0 once caught up", () -> only(infra).lag() == 0);
      assertTrue(only(infra).partitions().stream().allMatch(p -> p.lag() == 0));
    }
  }

  @Test
  void withRestartsOffAConsumerKilledByAFatalErrorStaysDown() throws Exception {
    String topic = unique("goods.fatal-off");
    Properties props = props(unique("fatal-off"));
    props.put("domainevents.consumer.restart", "false");
    RecordingHandler handler = fatalOnce();
    try (KafkaInfra infra = start(props, null, topic, handler)) {
      awaitRunning(infra, topic);
      publish(infra, 1, 1);
      await(WAIT, "the consumer to stop", () -> only(infra).state() == State.STOPPED);

      publish(infra, 1, 2);
      Thread.sleep(WATCH_MS);
      InfraHealth health = infra.health();
      assertEquals(Status.DOWN, health.status());
      assertEquals(0, health.consumers().get(0).restarts());
      assertTrue(health.consumers().get(0).cause().contains("handler bug: fatal"));
      assertEquals(0, handler.handled.size(), "nothing is consumed once it is down");
    }
  }

  /** A second handler class, on a plain topic. */
  static final class SellHandler implements EventDispatcher {
    final List<SellMessage> handled = new CopyOnWriteArrayList<>();
    private final String topic;

    SellHandler(String topic) {
      this.topic = topic;
    }

    @Override
    public Set<String> events() {
      return Set.of();
    }

    @Override
    public Map<String, Class<?>> topics() {
      return Map.of(topic, SellMessage.class);
    }

    @Override
    public boolean dispatch(EventContext context) {
      if (!context.name().equals(topic)) {
        return false;
      }
      handled.add((SellMessage) context.envelope().payload());
      return true;
    }
  }

  @Test
  void aPausedHandlerClassConsumesNothingUntilResumedWhileOthersRunOn() throws Exception {
    String topic = unique("goods.pause");
    String sellTopic = unique("event-sell");
    KAFKA.broker().createTopic(topic, 2);
    KAFKA.broker().createTopic(sellTopic, 1);
    RecordingHandler goods = new RecordingHandler();
    SellHandler sells = new SellHandler(sellTopic);
    try (KafkaInfra infra = start(props(unique("pause")), null, topic, goods, sells)) {
      awaitRunning(infra, topic);
      assertThrows(IllegalArgumentException.class, () -> infra.pause(String.class));

      infra.pause(RecordingHandler.class);
      await(WAIT, "the consumer to report PAUSED", () -> only(infra).state() == State.PAUSED);
      assertEquals(Status.UP, infra.health().status(), "paused is not down");
      assertTrue(only(infra).cause().contains(topic), only(infra).cause());

      publish(infra, 5, 1);
      infra.message(sellTopic, new SellMessage("sku-1", 2)).publishAndWait();
      await(WAIT, "the other handler's message, handled", () -> sells.handled.size() == 1);
      Thread.sleep(WATCH_MS);
      assertEquals(0, goods.calls.size(), "nothing of a paused topic is handled");

      infra.resume(RecordingHandler.class);
      await(WAIT, "all paused events, handled", () -> goods.handled.size() == 5);
      await(WAIT, "the consumer to report RUNNING", () -> only(infra).state() == State.RUNNING);

      infra.pause(null);
      await(WAIT, "all paused", () -> only(infra).state() == State.PAUSED);
      infra.message(sellTopic, new SellMessage("sku-2", 1)).publishAndWait();
      Thread.sleep(WATCH_MS);
      assertEquals(1, sells.handled.size(), "pause(null) pauses every handler");
      infra.resume(null);
      await(WAIT, "the message, handled after resume(null)", () -> sells.handled.size() == 2);
    }
  }

  /** Counts the events it reports as already handled. */
  private static final class CountingDedupe implements DedupeStore {
    private final DedupeStore store = DedupeStore.create();
    final AtomicInteger duplicates = new AtomicInteger();

    @Override
    public boolean contains(String consumerGroup, UUID eventId) {
      boolean seen = store.contains(consumerGroup, eventId);
      if (seen) {
        duplicates.incrementAndGet();
      }
      return seen;
    }

    @Override
    public void add(String consumerGroup, UUID eventId) {
      store.add(consumerGroup, eventId);
    }
  }

  @Test
  void seekToTheBeginningRedeliversEveryEventAndATimestampOnlyLaterOnes() throws Exception {
    String topic = unique("goods.seek");
    KAFKA.broker().createTopic(topic, 2);
    RecordingHandler handler = new RecordingHandler();
    try (KafkaInfra infra = start(props(unique("seek")), DedupeStore.none(), topic, handler)) {
      awaitRunning(infra, topic);
      publish(infra, 50, 1);
      await(WAIT, "the first 50 handled", () -> handler.handled.size() == 50);
      // Record timestamps are milliseconds: the cut lies strictly between the two halves.
      Thread.sleep(20);
      Instant cut = Instant.now();
      Thread.sleep(20);
      publish(infra, 50, 51);
      await(WAIT, "100 handled", () -> handler.handled.size() == 100);

      infra.seekToBeginning(RecordingHandler.class).get(60, TimeUnit.SECONDS);
      await(WAIT, "100 handled again", () -> handler.handled.size() == 200);
      Map<UUID, Long> times =
          handler.handled.stream()
              .collect(Collectors.groupingBy(EventContext::eventId, Collectors.counting()));
      assertEquals(100, times.size());
      assertTrue(times.values().stream().allMatch(n -> n == 2), "each event exactly twice");

      infra.seekToTimestamp(cut, null).get(60, TimeUnit.SECONDS);
      await(WAIT, "the later 50 handled again", () -> handler.handled.size() == 250);
      Thread.sleep(1_000);
      assertEquals(250, handler.handled.size(), "nothing before the timestamp is redelivered");
      assertEquals(150, handledBetween(handler, 51, 100));
      assertEquals(100, handledBetween(handler, 1, 50));
    }
  }

  @Test
  void aReplayedEventTheDedupeStoreRemembersIsSkippedAsADuplicate() throws Exception {
    String topic = unique("goods.seek-dedupe");
    RecordingHandler handler = new RecordingHandler();
    CountingDedupe dedupe = new CountingDedupe();
    try (KafkaInfra infra = start(props(unique("seek-dedupe")), dedupe, topic, handler)) {
      awaitRunning(infra, topic);
      publish(infra, 100, 1);
      await(WAIT, "100 handled", () -> handler.handled.size() == 100);
      assertEquals(0, dedupe.duplicates.get());

      infra.seekToBeginning(null).get(60, TimeUnit.SECONDS);
      await(WAIT, "100 replayed records, skipped", () -> dedupe.duplicates.get() == 100);
      assertEquals(100, handler.calls.size(), "no handler ran again");
      Set<UUID> ids = new HashSet<>();
      handler.handled.forEach(c -> ids.add(c.eventId()));
      assertEquals(100, ids.size());
    }
  }

  @ParameterizedTest(name = "interceptors: {0}")
  @ValueSource(booleans = {false, true})
  void theHealthReportsThePublisherAndItsCountsPerCluster(boolean intercepted) {
    String topic = unique("goods.publisher");
    KafkaInfra infra = KafkaInfra.builder().properties(props(null)).build();
    // The intercepted publish path counts in-flight events as the direct one does.
    infra.start(
        EventCatalog.of(Fixtures.registry(topic)),
        intercepted ? EventInterceptors.defaults() : EventInterceptors.none());
    try (infra) {
      InfraHealth health = infra.health();
      assertEquals(State.RUNNING, health.publisher().state());
      assertEquals(List.of(), health.consumers(), "no handler, no consumer");
      publish(infra, 3, 1);
      health = infra.health();
      assertEquals(0, health.publisher().inFlight(), "all acknowledged");
      assertEquals(0L, health.counts().get("publish.in-flight"));
      assertEquals(0L, health.counts().get("publish.failed"));
      assertNotNull(health.counts().get("cluster.default.publish.in-flight"));
      assertEquals(Status.UP, health.status());
      infra.close();
      assertEquals(Status.DOWN, infra.health().status());
      assertEquals(State.STOPPED, infra.health().publisher().state());
    }
  }

  @Test
  void controlsNeedAStartedInfra() {
    KafkaInfra infra = KafkaInfra.builder().properties(props(unique("unstarted"))).build();
    assertThrows(IllegalStateException.class, () -> infra.pause(null));
    assertThrows(IllegalStateException.class, () -> infra.seekToBeginning(null));
    assertEquals(State.STARTING, infra.health().publisher().state());
    infra.close();
  }
}
