package dev.domainevents.kafka;

import static dev.domainevents.kafka.Fixtures.SHOPPING;
import static dev.domainevents.kafka.Fixtures.await;
import static dev.domainevents.kafka.Fixtures.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.domainevents.EventContext;
import dev.domainevents.EventType;
import dev.domainevents.spi.EventCatalog;
import dev.domainevents.spi.EventDispatcher;
import dev.domainevents.spi.EventRegistry;
import dev.domainevents.test.kafka.EmbeddedKafkaExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A topic holding versions 1, 2 and 3 of one event, read by a consumer at version 3 on a real
 * broker: old records are upcast before dispatch, and a record of version 4 goes to the dead-letter
 * topic, never misread; or, with {@code domainevents.newer.versions=skip}, is skipped and
 * committed.
 */
class UpcastingTest {
  @RegisterExtension static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

  private static final Duration WAIT = Duration.ofSeconds(180);

  /** Version 3: {@code amount} became {@code quantity} in 2, {@code note} was added in 3. */
  record GoodsV3(long id, int quantity, String note) {}

  /** Like a generated registry with two upcasters. */
  private static EventRegistry registry(String topic) {
    EventType<GoodsV3> shopping = EventType.of(SHOPPING, GoodsV3.class, topic, 3);
    UnaryOperator<Map<String, Object>> oneToTwo =
        v1 -> {
          v1.put("quantity", v1.remove("amount"));
          return v1;
        };
    UnaryOperator<Map<String, Object>> twoToThree =
        v2 -> {
          v2.put("note", "from v2");
          return v2;
        };
    return new EventRegistry() {
      @Override
      public List<EventType<?>> eventTypes() {
        return List.of(shopping);
      }

      @Override
      public EventDispatcher dispatcherFor(Object handler) {
        return null;
      }

      @Override
      public UnaryOperator<Map<String, Object>> upcaster(String event, int from) {
        if (from == 1 && event.equals(SHOPPING)) {
          return oneToTwo;
        }
        if (from == 2 && event.equals(SHOPPING)) {
          return twoToThree;
        }
        return null;
      }
    };
  }

  private static final class Handler implements EventDispatcher {
    final List<GoodsV3> seen = new CopyOnWriteArrayList<>();
    final List<Integer> versions = new CopyOnWriteArrayList<>();

    @Override
    public Set<String> events() {
      return Set.of(SHOPPING);
    }

    @Override
    public Map<String, Class<?>> topics() {
      return Map.of();
    }

    @Override
    public boolean dispatch(EventContext context) {
      seen.add((GoodsV3) context.envelope().payload());
      versions.add(context.envelope().schemaVersion());
      return true;
    }
  }

  private static void send(String topic, int version, String json) throws Exception {
    Map<String, String> headers =
        RawRecords.envelopeHeaders(SHOPPING, UUID.randomUUID().toString());
    headers.put(EnvelopeHeaders.SCHEMA_VERSION, Integer.toString(version));
    RawRecords.send(KAFKA.bootstrapServers(), topic, "7", json, headers);
  }

  @Test
  void versionsOneTwoAndThreeAreReadAsThreeAndFourIsDeadLettered() throws Exception {
    String topic = unique("goods.versions");
    send(topic, 1, "{\"id\":7,\"amount\":1}");
    send(topic, 2, "{\"id\":7,\"quantity\":2}");
    send(topic, 3, "{\"id\":7,\"quantity\":3,\"note\":\"current\"}");
    send(topic, 4, "{\"id\":7,\"quantity\":4,\"note\":\"future\",\"currency\":\"EUR\"}");
    send(topic, 3, "{\"id\":7,\"quantity\":5,\"note\":\"after\"}");

    Handler handler = new Handler();
    KafkaInfra infra =
        KafkaInfra.builder()
            .properties(Fixtures.fastClient(KAFKA.bootstrapServers(), unique("versions")))
            .build();
    infra.subscribe(handler);
    infra.start(EventCatalog.of(registry(topic)));
    try (infra) {
      await(WAIT, "four records handled", () -> handler.seen.size() == 4);
      assertEquals(
          List.of(
              new GoodsV3(7, 1, "from v2"),
              new GoodsV3(7, 2, "from v2"),
              new GoodsV3(7, 3, "current"),
              new GoodsV3(7, 5, "after")),
          handler.seen);
      assertEquals(List.of(3, 3, 3, 3), handler.versions);
      List<ConsumerRecord<byte[], byte[]>> dead =
          RawRecords.read(KAFKA.bootstrapServers(), "fail-" + topic, 1, WAIT);
      assertEquals("newer-version", RawRecords.header(dead.get(0), EnvelopeHeaders.REASON));
      assertEquals("4", RawRecords.header(dead.get(0), EnvelopeHeaders.SCHEMA_VERSION));
      String message = RawRecords.header(dead.get(0), EnvelopeHeaders.EXCEPTION_MESSAGE);
      assertEquals(
          "Goods:Shopping was written with schema version 4, but this service knows only up to"
              + " version 3; deploy the newer consumer",
          message);
    }
  }

  @Test
  void newerVersionsAreSkippedAndCommittedWhenConfigured() throws Exception {
    String topic = unique("goods.skipnewer");
    String group = unique("skipnewer");
    send(topic, 3, "{\"id\":7,\"quantity\":1,\"note\":\"before\"}");
    send(topic, 4, "{\"id\":7,\"quantity\":2,\"currency\":\"EUR\"}");
    send(topic, 4, "{\"id\":7,\"quantity\":3,\"currency\":\"EUR\"}");
    send(topic, 5, "{\"id\":7,\"quantity\":4,\"currency\":\"USD\"}");
    send(topic, 3, "{\"id\":7,\"quantity\":5,\"note\":\"after\"}");

    Handler handler = new Handler();
    KafkaInfra infra =
        KafkaInfra.builder()
            .properties(Fixtures.fastClient(KAFKA.bootstrapServers(), group))
            .skipNewerVersions(true)
            .build();
    infra.subscribe(handler);
    try (StderrCapture log = new StderrCapture();
        infra) {
      infra.start(EventCatalog.of(registry(topic)));
      await(WAIT, "the current records handled", () -> handler.seen.size() == 2);
      await(WAIT, "past every record committed", () -> committed(group, topic) == 5);
      assertEquals(List.of(new GoodsV3(7, 1, "before"), new GoodsV3(7, 5, "after")), handler.seen);
      assertEquals(3, infra.skippedRecords());
      // One warning per event and version, not one per record.
      assertEquals(
          1, log.count("skipping records of Goods:Shopping written with schema version 4"));
      assertEquals(
          1, log.count("skipping records of Goods:Shopping written with schema version 5"));
      try (Admin admin = KAFKA.broker().admin()) {
        Set<String> topics = admin.listTopics().names().get();
        assertFalse(topics.contains("fail-" + topic), "nothing was dead-lettered: " + topics);
      }
    }
  }

  @Test
  void anUnknownNewerVersionsValueIsRefusedAtBuild() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                KafkaInfra.builder()
                    .properties(Fixtures.fastClient(KAFKA.bootstrapServers(), "g"))
                    .property("domainevents.newer.versions", "ignore")
                    .build());
    assertEquals(
        "domainevents.newer.versions=ignore: expected dead-letter (the default) or skip",
        e.getMessage());
  }

  private static long committed(String group, String topic) {
    try (Admin admin = KAFKA.broker().admin()) {
      Map<TopicPartition, OffsetAndMetadata> offsets =
          admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
      return offsets.entrySet().stream()
          .filter(e -> e.getKey().topic().equals(topic))
          .mapToLong(e -> e.getValue().offset())
          .sum();
    } catch (Exception e) {
      return -1;
    }
  }
}
