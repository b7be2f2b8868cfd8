package dev.domainevents.amqp;

import static dev.domainevents.amqp.Fixtures.SELL_TOPIC;
import static dev.domainevents.amqp.Fixtures.SHOPPING;
import static dev.domainevents.amqp.Fixtures.await;
import static dev.domainevents.amqp.Fixtures.drain;
import static dev.domainevents.amqp.Fixtures.fast;
import static dev.domainevents.amqp.Fixtures.rawProperties;
import static dev.domainevents.amqp.Fixtures.start;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import dev.domainevents.EventContext;
import dev.domainevents.EventEnvelope;
import dev.domainevents.EventPublishException;
import dev.domainevents.EventScope;
import dev.domainevents.amqp.Fixtures.Goods;
import dev.domainevents.amqp.Fixtures.GoodsObj;
import dev.domainevents.amqp.Fixtures.RecordingHandler;
import dev.domainevents.amqp.Fixtures.SellMessage;
import dev.domainevents.spi.DedupeStore;
import dev.domainevents.spi.Envelopes;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** AmqpInfra against the RabbitMQ on 127.0.0.1:5672, each test in a virtual host of its own. */
@Tag("rabbitmq")
@SuppressWarnings("try") // scopes are opened for their effect
class AmqpInfraTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String TRACEPARENT =
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

  @Test
  void everyEnvelopeFieldRoundTripsThroughPropertiesAndHeaders() throws Exception {
    try (RabbitVhost vhost = RabbitVhost.create("round-trip")) {
      RecordingHandler handler = new RecordingHandler();
      try (AmqpInfra infra = start(fast(vhost, "shop"), handler);
          Connection raw = vhost.connect();
          Channel inspect = raw.createChannel()) {
        inspect.queueDeclare("tap", false, false, true, null);
        inspect.queueBind("tap", "goods", "goods.shopping");

        EventEnvelope parent;
        EventEnvelope raised;
        try (EventScope scope = EventScope.correlate("corr-7", TRACEPARENT)) {
          parent = Envelopes.event(SHOPPING, "1", new GoodsObj(1, "p", 1, 0), Map.of());
          try (Envelopes.Scope handling = Envelopes.handling(parent)) {
            raised =
                Envelopes.event(
                    SHOPPING, "42", new GoodsObj(42, "café ☕", 3, 5), Map.of("x-action", "buy"));
          }
        }
        infra.publishAndWait(List.of(raised));
        infra
            .message(SELL_TOPIC, new SellMessage("sku-1", 2))
            .key("sku-1")
            .header("x-action", "sell")
            .publishAndWait();

        await(WAIT, "both messages", () -> handler.handled.size() == 2);
        EventEnvelope received =
            handler.handled.stream()
                .map(EventContext::envelope)
                .filter(e -> e.name().equals(SHOPPING))
                .findFirst()
                .orElseThrow();
        assertEquals(raised, received); // every field: ids, payload, headers, occurredAt...
        assertEquals(parent.eventId().toString(), received.causationId());
        assertEquals(TRACEPARENT, received.header("traceparent"));
        EventEnvelope message =
            handler.handled.stream()
                .map(EventContext::envelope)
                .filter(e -> e.name().equals(SELL_TOPIC))
                .findFirst()
                .orElseThrow();
        assertEquals(new SellMessage("sku-1", 2), message.payload());
        assertEquals("sku-1", message.aggregateId());
        assertEquals("", message.aggregateType());
        assertEquals("sell", message.header("x-action"));

        GetResponse tapped = inspect.basicGet("tap", true);
        assertNotNull(tapped, "the event reached the aggregate's exchange");
        AMQP.BasicProperties props = tapped.getProps();
        assertEquals(2, props.getDeliveryMode(), "persistent");
        assertEquals("application/json", props.getContentType());
        assertEquals(raised.eventId().toString(), props.getMessageId());
        assertEquals("corr-7", props.getCorrelationId());
        assertEquals(SHOPPING, props.getType());
        assertEquals(raised.occurredAt().getEpochSecond(), props.getTimestamp().getTime() / 1000);
        assertEquals("goods.shopping", tapped.getEnvelope().getRoutingKey());
        assertEquals("Goods", props.getHeaders().get(AmqpHeaders.AGGREGATE_TYPE).toString());
        assertEquals("42", props.getHeaders().get(AmqpHeaders.AGGREGATE_ID).toString());
      }
    }
  }

  @Test
  void anUnroutableEventFailsThePublishLoudly() throws Exception {
    try (RabbitVhost vhost = RabbitVhost.create("unroutable");
        AmqpInfra infra = start(fast(vhost, null))) {
      Goods goods = new Goods(1);
      goods.shopping(1);
      EventPublishException e =
          assertThrows(EventPublishException.class, () -> infra.publishAndWait(drain(goods)));
      assertTrue(e.getMessage().contains("unroutable"), e.getMessage());
      assertTrue(e.getMessage().contains("goods.shopping"), e.getMessage());
    }
  }

  @Test
  void aHandlerThatFailsTwiceThenSucceedsIsRetriedInPlace() throws Exception {
    try (RabbitVhost vhost = RabbitVhost.create("fail-twice")) {
      RecordingHandler handler =
          new RecordingHandler()
              .behave(
                  (envelope, attempt) -> {
                    if (attempt < 3) {
                      throw new IllegalStateException("attempt " + attempt);
                    }
                  });
      try (AmqpInfra infra = start(fast(vhost, "shop"), handler)) {
        Goods goods = new Goods(7);
        goods.shopping(1);
        infra.publishAndWait(drain(goods));
        await(WAIT, "the third attempt", () -> handler.handled.size() == 1);
        assertEquals(3, handler.calls.size());
        assertEquals(3, handler.handled.get(0).attempt());
      }
    }
  }

  @Test
  void aHandlerThatAlwaysFailsEndsInTheDeadLetterQueueAndLaterEventsAreHandled() throws Exception {
    try (RabbitVhost vhost = RabbitVhost.create("always-fails")) {
      RecordingHandler handler =
          new RecordingHandler()
              .behave(
                  (envelope, attempt) -> {
                    if (((GoodsObj) envelope.payload()).id() == 1) {
                      throw new IllegalStateException("no stock for goods 1");
                    }
                  });
      Properties props = fast(vhost, "shop");
      props.setProperty("domainevents.retry.attempts", "2");
      props.setProperty("domainevents.retry.queue.rounds", "2");
      try (AmqpInfra infra = start(props, handler);
          Connection raw = vhost.connect();
          Channel inspect = raw.createChannel()) {
        Goods failing = new Goods(1);
        failing.shopping(1);
        Goods fine = new Goods(2);
        fine.shopping(1);
        infra.publishAndWait(drain(failing, fine));

        await(WAIT, "a dead letter", () -> messageCount(inspect, "fail-shop") == 1);
        // 2 in place + 2 rounds through the retry queue of 2 each
        assertEquals(6, handler.calls.stream().filter(c -> id(c) == 1).count());
        assertEquals(1, handler.handled.stream().filter(c -> id(c) == 2).count());

        GetResponse dead = inspect.basicGet("fail-shop", true);
        Map<String, Object> headers = dead.getProps().getHeaders();
        assertEquals("handler-failed", headers.get(AmqpHeaders.REASON).toString());
        assertEquals(
            IllegalStateException.class.getName(),
            headers.get(AmqpHeaders.EXCEPTION_CLASS).toString());
        assertEquals("no stock for goods 1", headers.get(AmqpHeaders.EXCEPTION_MESSAGE).toString());
        assertEquals("goods", headers.get(AmqpHeaders.ORIGINAL_EXCHANGE).toString());
        assertEquals("goods.shopping", headers.get(AmqpHeaders.ORIGINAL_ROUTING_KEY).toString());
        assertEquals(6, ((Number) headers.get(AmqpHeaders.ATTEMPTS)).intValue());
        assertEquals("shop", headers.get(AmqpHeaders.SERVICE).toString());
        assertEquals(SHOPPING, dead.getProps().getType());

        fine.shopping(2);
        infra.publishAndWait(drain(fine));
        await(WAIT, "a later event", () -> handler.handled.size() == 2);
      }
    }
  }

  @Test
  void eachKindOfPoisonGoesStraightToTheDeadLetterQueue() throws Exception {
    try (RabbitVhost vhost = RabbitVhost.create("poison")) {
      RecordingHandler handler = new RecordingHandler();
      try (AmqpInfra infra = start(fast(vhost, "shop"), handler);
          Connection raw = vhost.connect();
          Channel channel = raw.createChannel()) {
        String good = "{\"id\":1,\"name\":\"n\",\"amount\":1,\"sequence\":0}";
        Map<String, String> expected = new HashMap<>();
        expected.put(
            publishRaw(channel, rawProperties(SHOPPING, UUID.randomUUID().toString()), "{not json"),
            "invalid-json");
        expected.put(
            publishRaw(channel, rawProperties(SHOPPING, UUID.randomUUID().toString()), "[1,2]"),
            "payload-mismatch");
        expected.put(
            publishRaw(channel, rawProperties(SHOPPING, UUID.randomUUID().toString()), ""),
            "empty-body");
        expected.put(
            publishRaw(channel, rawProperties("Goods:Stolen", UUID.randomUUID().toString()), good),
            "unknown-event");
        expected.put(publishRaw(channel, rawProperties(SHOPPING, null), good), "missing-header");
        expected.put(
            publishRaw(channel, rawProperties(SHOPPING, "not-a-uuid"), good), "malformed-header");
        AMQP.BasicProperties noOccurredAt =
            rawProperties(SHOPPING, UUID.randomUUID().toString())
                .builder()
                .headers(Map.of())
                .build();
        expected.put(publishRaw(channel, noOccurredAt, good), "missing-header");
        AMQP.BasicProperties noCorrelation =
            rawProperties(SHOPPING, UUID.randomUUID().toString())
                .builder()
                .correlationId(null)
                .build();
        expected.put(publishRaw(channel, noCorrelation, good), "missing-header");
        channel.waitForConfirmsOrDie(10_000);

        await(
            WAIT,
            "every poison message dead-lettered",
            () -> messageCount(channel, "fail-shop") == expected.size());
        Map<String, String> reasons = new HashMap<>();
        for (GetResponse dead : RabbitVhost.drain(channel, "fail-shop")) {
          reasons.put(
              dead.getProps().getMessageId() + "/" + dead.getProps().getCorrelationId(),
              dead.getProps().getHeaders().get(AmqpHeaders.REASON).toString());
        }
        assertEquals(expected, reasons);
        assertEquals(0, handler.calls.size());

        Goods goods = new Goods(3);
        goods.shopping(1);
        infra.publishAndWait(drain(goods));
        await(WAIT, "the consumer going on", () -> handler.handled.size() == 1);
      }
    }
  }

  @Test
  void aNewerSchemaVersionIsDeadLetteredByDefaultAndSkippedWhenConfigured() throws Exception {
    String good = "{\"id\":1,\"name\":\"n\",\"amount\":1,\"sequence\":0}";
    for (boolean skip : new boolean[] {false, true}) {
      try (RabbitVhost vhost = RabbitVhost.create(skip ? "newer-skip" : "newer-dead")) {
        RecordingHandler handler = new RecordingHandler();
        Properties props = fast(vhost, "shop");
        if (skip) {
          props.setProperty("domainevents.newer.versions", "skip");
        }
        try (AmqpInfra infra = start(props, handler);
            Connection raw = vhost.connect();
            Channel channel = raw.createChannel()) {
          AMQP.BasicProperties v1 = rawProperties(SHOPPING, UUID.randomUUID().toString());
          Map<String, Object> newer = new HashMap<>(v1.getHeaders());
          newer.put(AmqpHeaders.SCHEMA_VERSION, 2);
          publishRaw(
              channel,
              rawProperties(SHOPPING, UUID.randomUUID().toString())
                  .builder()
                  .headers(newer)
                  .build(),
              good);
          publishRaw(channel, v1, good);
          channel.waitForConfirmsOrDie(10_000);

          await(WAIT, "the current version handled", () -> handler.handled.size() == 1);
          assertEquals(v1.getMessageId(), handler.handled.get(0).eventId().toString());
          if (skip) {
            // Acknowledged without a handler call, in order: it came before the handled one.
            assertEquals(1, handler.calls.size());
            assertEquals(0, messageCount(channel, "fail-shop"));
          } else {
            await(
                WAIT, "the newer one dead-lettered", () -> messageCount(channel, "fail-shop") == 1);
            GetResponse dead = RabbitVhost.drain(channel, "fail-shop").get(0);
            assertEquals(
                "newer-version", dead.getProps().getHeaders().get(AmqpHeaders.REASON).toString());
          }
        }
      }
    }
  }

  /** Publishes to the goods exchange and returns the key {@code messageId/correlationId}. */
  private static String publishRaw(Channel channel, AMQP.BasicProperties props, String body)
      throws Exception {
    channel.confirmSelect();
    channel.basicPublish(
        "goods", "goods.shopping", true, props, body.getBytes(StandardCharsets.UTF_8));
    return props.getMessageId() + "/" + props.getCorrelationId();
  }

  static long messageCount(Channel channel, String queue) {
    try {
      return channel.messageCount(queue);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static long id(EventContext context) {
    return ((GoodsObj) context.envelope().payload()).id();
  }

  @Test
  void aMessageThatKeepsComingBackUnacknowledgedIsDeadLetteredByTheDeliveryLimit()
      throws Exception {
    try (RabbitVhost vhost = RabbitVhost.create("delivery-limit")) {
      Properties props = fast(vhost, "shop");
      props.setProperty("domainevents.delivery.limit", "2");
      // Install once to declare the topology, then crash-loop a raw consumer on the queue.
      try (AmqpInfra publisherOnly = start(props, new RecordingHandler())) {
        publisherOnly.close();
      }
      try (AmqpInfra infra = start(fast(vhost, null));
          Connection raw = vhost.connect()) {
        Goods goods = new Goods(9);
        goods.shopping(1);
        infra.publishAndWait(drain(goods));
        for (int i = 0; i < 3; i++) {
          // A consumer that takes the message and dies before acknowledging it.
          Channel crashing = raw.createChannel();
          GetResponse taken = crashing.basicGet("shop", false);
          assertNotNull(taken, "delivery " + (i + 1));
          crashing.close();
        }
        Channel inspect = raw.createChannel();
        await(WAIT, "the broker's dead letter", () -> messageCount(inspect, "fail-shop") == 1);
        assertNull(inspect.basicGet("shop", true));
      }
    }
  }

  @Test
  void aPublishWhileTheConnectionIsDownFailsAtOnceOrWaitsAsConfigured() throws Exception {
    try (RabbitVhost vhost = RabbitVhost.create("outage")) {
      RecordingHandler handler = new RecordingHandler();
      Properties failing = fast(vhost, "shop");
      failing.setProperty("rabbitmq.connection.recovery.interval", "3000");
      Properties waiting = fast(vhost, null);
      waiting.setProperty("rabbitmq.connection.recovery.interval", "1000");
      waiting.setProperty("domainevents.publish.outage", "wait");
      try (AmqpInfra failFast = start(failing, handler);
          AmqpInfra patient = start(waiting)) {
        vhost.closeAllConnections();
        Goods goods = new Goods(5);
        goods.shopping(1);
        ExecutionException down =
            assertThrows(
                ExecutionException.class,
                () -> failFast.publish(drain(goods)).get(10, TimeUnit.SECONDS));
        assertInstanceOf(EventPublishException.class, down.getCause());
        assertTrue(down.getCause().getMessage().contains("down"), down.getCause().getMessage());

        goods.shopping(2);
        patient.publish(drain(goods)).get(30, TimeUnit.SECONDS); // waits for the recovery
        await(WAIT, "the consumer resuming", () -> handler.handled.size() == 1);
      }
    }
  }

  @Test
  void aQueueDeclaredWithOtherArgumentsFailsTheStart() throws Exception {
    try (RabbitVhost vhost = RabbitVhost.create("redeclare")) {
      start(fast(vhost, "shop"), new RecordingHandler()).close();
      Properties ordered = fast(vhost, "shop");
      ordered.setProperty("domainevents.ordered", "true");
      IllegalStateException e =
          assertThrows(IllegalStateException.class, () -> start(ordered, new RecordingHandler()));
      assertTrue(e.getMessage().contains("PRECONDITION_FAILED"), e.getMessage());
    }
  }

  @Test
  void inOrderedModeAStandbyInstanceTakesOverWhenTheActiveOneCloses() throws Exception {
    try (RabbitVhost vhost = RabbitVhost.create("standby")) {
      Properties props = fast(vhost, "shop");
      props.setProperty("domainevents.ordered", "true");
      RecordingHandler active = new RecordingHandler();
      RecordingHandler standby = new RecordingHandler();
      try (AmqpInfra first = start(props, active);
          AmqpInfra second = start(props, standby)) {
        Goods goods = new Goods(4);
        goods.shopping(1);
        first.publishAndWait(drain(goods));
        await(WAIT, "the active consumer", () -> active.handled.size() == 1);
        assertEquals(0, standby.calls.size(), "one active consumer");

        first.close();
        goods.shopping(2);
        second.publishAndWait(drain(goods));
        await(WAIT, "the standby taking over", () -> standby.handled.size() == 1);
      }
    }
  }

  @Test
  void aFailingDedupeStoreRequeuesTheDeliveryAfterAPauseAndTheServiceIsItsGroup() throws Exception {
    try (RabbitVhost vhost = RabbitVhost.create("dedupe")) {
      DedupeStore memory = DedupeStore.create();
      AtomicInteger failures = new AtomicInteger();
      List<String> groups = new CopyOnWriteArrayList<>();
      DedupeStore flaky =
          new DedupeStore() {
            @Override
            public boolean contains(String consumerGroup, UUID eventId) {
              groups.add(consumerGroup);
              if (failures.getAndIncrement() == 0) {
                throw new IllegalStateException("store down");
              }
              return memory.contains(consumerGroup, eventId);
            }

            @Override
            public void add(String consumerGroup, UUID eventId) {
              memory.add(consumerGroup, eventId);
            }
          };
      RecordingHandler handler = new RecordingHandler();
      AmqpInfra infra =
          AmqpInfra.builder().properties(fast(vhost, "shop")).dedupeStore(flaky).build();
      infra.subscribe(handler);
      infra.start(Fixtures.catalog());
      try (infra) {
        Goods goods = new Goods(6);
        goods.shopping(1);
        infra.publishAndWait(drain(goods));
        await(WAIT, "the requeued delivery", () -> handler.handled.size() == 1);
        assertEquals(1, handler.calls.size(), "the store failed before the handler ran");
        assertTrue(groups.stream().allMatch("shop"::equals), groups.toString());
        assertTrue(memory.contains("shop", handler.handled.get(0).eventId()));
      }
    }
  }

  @Test
  void aPlainMessageGoesToTheExchangeItNamesWithItsTopicAsRoutingKey() throws Exception {
    try (RabbitVhost vhost = RabbitVhost.create("exchange");
        AmqpInfra infra = start(fast(vhost, null));
        Connection raw = vhost.connect();
        Channel inspect = raw.createChannel()) {
      inspect.exchangeDeclare("integration", "direct", true);
      inspect.queueDeclare("partner", false, false, true, null);
      inspect.queueBind("partner", "integration", SELL_TOPIC);

      infra
          .message(SELL_TOPIC, new SellMessage("sku-9", 1))
          .exchange("integration")
          .publishAndWait();

      GetResponse received = inspect.basicGet("partner", true);
      assertNotNull(received, "an existing exchange of another type is used as it is");
      assertEquals(SELL_TOPIC, received.getProps().getType());
      assertEquals(SELL_TOPIC, received.getEnvelope().getRoutingKey());
      assertThrows(
          EventPublishException.class,
          () -> infra.message("nobody-listens", new SellMessage("x", 1)).publishAndWait());
    }
  }
}
