package dev.domainevents.kafka;

import static dev.domainevents.kafka.Fixtures.SHOPPING;
import static dev.domainevents.kafka.Fixtures.await;
import static dev.domainevents.kafka.Fixtures.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.domainevents.EventContext;
import dev.domainevents.EventEnvelope;
import dev.domainevents.EventPublishException;
import dev.domainevents.kafka.Fixtures.Goods;
import dev.domainevents.kafka.Fixtures.GoodsObj;
import dev.domainevents.kafka.Fixtures.RecordingHandler;
import dev.domainevents.spi.EventCatalog;
import dev.domainevents.test.kafka.EmbeddedKafkaExtension;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * No record can stop its partition, and one partition's retry backoff stops no other: each test
 * ends with a later good event, on the same partition, handled. Against a real broker.
 */
class PartitionProgressTest {
  @RegisterExtension static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

  // A bound, not a delay: waits return as soon as the condition holds.
  private static final Duration WAIT = Duration.ofSeconds(90);
  static final String VALID = "{\"id\":1,\"name\":\"n\",\"amount\":1,\"sequence\":0}";

  private static Properties props(String group) {
    return Fixtures.fastClient(KAFKA.bootstrapServers(), group);
  }

  /** Two in-place attempts, then the dead-letter topic; the partition waits meanwhile. */
  private static Properties orderedWithTwoAttempts(String group) {
    Properties props = props(group);
    props.put("domainevents.retry.attempts", "2");
    props.put("domainevents.ordered", "true");
    return props;
  }

  private static KafkaInfra start(Properties props, String topic, RecordingHandler handler) {
    KafkaInfra infra = KafkaInfra.builder().properties(props).build();
    infra.subscribe(handler);
    infra.start(EventCatalog.of(Fixtures.registry(topic)));
    return infra;
  }

  /** A handler that fails every event of aggregate {@code id}. */
  static RecordingHandler failingFor(long id) {
    return new RecordingHandler()
        .behave(
            (envelope, attempt) -> {
              if (((GoodsObj) envelope.payload()).id() == id) {
                throw new IllegalStateException("cannot handle " + id);
              }
            });
  }

  private static void createTopic(String name, Map<String, String> config) throws Exception {
    try (Admin admin = KAFKA.broker().admin()) {
      admin
          .createTopics(List.of(new NewTopic(name, 1, (short) 1).configs(config)))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
  }

  /** A Goods:Shopping value of about {@code size} bytes, for aggregate {@code id}. */
  static String largeValue(long id, int size) {
    return "{\"id\":" + id + ",\"name\":\"" + "x".repeat(size) + "\",\"amount\":1,\"sequence\":0}";
  }

  private static void send(String topic, String key, String value, Map<String, String> headers)
      throws Exception {
    RawRecords.send(KAFKA.bootstrapServers(), topic, key, value, headers);
  }

  private static List<UUID> handledIds(RecordingHandler handler) {
    return handler.handled.stream().map(EventContext::eventId).toList();
  }

  static long callsOf(RecordingHandler handler, String id) {
    return handler.calls.stream().filter(c -> c.eventId().toString().equals(id)).count();
  }

  /**
   * The dead-letter copy (ordered mode) or the retry copy is too large for its topic, whose
   * max.message.bytes is small, though the original was accepted. A stub without the value goes to
   * the dead-letter topic, the handler is not called again, and the next record is handled.
   */
  @ParameterizedTest
  @ValueSource(strings = {"fail-", "retry-"})
  void aCopyTooLargeForItsTopicIsDeadLetteredAsAStub(String smallTopicPrefix) throws Exception {
    String topic = unique("goods.too-large");
    String group = unique("too-large");
    createTopic(smallTopicPrefix + topic, Map.of("max.message.bytes", "3000"));
    RecordingHandler handler = failingFor(666);
    Properties props = props(group);
    props.put("domainevents.retry.attempts", "2");
    props.put("domainevents.retry.topic.rounds", "1");
    props.put("domainevents.ordered", Boolean.toString(smallTopicPrefix.equals("fail-")));
    String badId = UUID.randomUUID().toString();
    String goodId = UUID.randomUUID().toString();
    try (KafkaInfra infra = start(props, topic, handler)) {
      send(topic, "666", largeValue(666, 6_000), RawRecords.envelopeHeaders(SHOPPING, badId));
      send(topic, "1", VALID, RawRecords.envelopeHeaders(SHOPPING, goodId));

      await(WAIT, "the record after the oversized one", () -> handler.handled.size() == 1);
      assertEquals(goodId, handler.handled.get(0).eventId().toString());
      ConsumerRecord<byte[], byte[]> stub =
          RawRecords.read(KAFKA.bootstrapServers(), "fail-" + topic, 1, WAIT).get(0);
      assertEquals("too-large", RawRecords.header(stub, EnvelopeHeaders.REASON));
      assertNull(stub.value(), "the stub drops the value");
      assertEquals("666", RawRecords.string(stub.key()));
      assertEquals(badId, RawRecords.header(stub, EnvelopeHeaders.EVENT_ID));
      assertEquals(SHOPPING, RawRecords.header(stub, EnvelopeHeaders.EVENT_NAME));
      assertEquals(topic, RawRecords.header(stub, EnvelopeHeaders.ORIGINAL_TOPIC));
      assertEquals("0", RawRecords.header(stub, EnvelopeHeaders.ORIGINAL_OFFSET));
      assertEquals(group, RawRecords.header(stub, EnvelopeHeaders.GROUP));
      assertEquals("2", RawRecords.header(stub, EnvelopeHeaders.ATTEMPTS));
      assertEquals(
          RecordTooLargeException.class.getName(),
          RawRecords.header(stub, EnvelopeHeaders.EXCEPTION_CLASS));
      assertTrue(
          RawRecords.header(stub, EnvelopeHeaders.EXCEPTION_MESSAGE).contains("cannot handle 666"),
          "the stub still says why the record was routed");
      Thread.sleep(1_500); // longer than the consumer's routing backoff: a loop would show
      assertEquals(
          2, callsOf(handler, badId), "the handler is not called again because routing failed");
    }
  }

  /** Even the stub is too large: the record is skipped with an ERROR, and the next one handled. */
  @Test
  void aRecordWhoseStubIsRefusedIsSkippedWithAnError() throws Exception {
    String topic = unique("goods.no-room");
    createTopic("fail-" + topic, Map.of("max.message.bytes", "100"));
    RecordingHandler handler = failingFor(666);
    Properties props = orderedWithTwoAttempts(unique("no-room"));
    String badId = UUID.randomUUID().toString();
    String goodId = UUID.randomUUID().toString();
    try (StderrCapture log = new StderrCapture();
        KafkaInfra infra = start(props, topic, handler)) {
      send(topic, "666", largeValue(666, 100), RawRecords.envelopeHeaders(SHOPPING, badId));
      send(topic, "1", VALID, RawRecords.envelopeHeaders(SHOPPING, goodId));

      await(
          WAIT,
          "the record after the one that cannot be dead-lettered",
          () -> handler.handled.size() == 1);
      assertEquals(goodId, handler.handled.get(0).eventId().toString());
      assertEquals(2, callsOf(handler, badId));
      String line = log.line(topic + "-0@0 is skipped");
      assertTrue(line.contains("ERROR") && line.contains(badId), line);
    }
  }

  /**
   * On an original topic the retry headers mean nothing: a record carrying them is malformed. A
   * far-future de-retry-at there used to pause the partition without limit.
   */
  @Test
  void retryHeadersOnAnOriginalTopicMakeAMalformedRecord() throws Exception {
    String topic = unique("goods.forged");
    String group = unique("forged");
    RecordingHandler handler = new RecordingHandler();
    String goodId = UUID.randomUUID().toString();
    try (KafkaInfra infra = start(props(group), topic, handler)) {
      Map<String, String> later =
          RawRecords.envelopeHeaders(SHOPPING, UUID.randomUUID().toString());
      later.put(
          EnvelopeHeaders.RETRY_AT,
          Long.toString(System.currentTimeMillis() + TimeUnit.DAYS.toMillis(365)));
      later.put(EnvelopeHeaders.GROUP, group);
      send(topic, "1", VALID, later);
      Map<String, String> attempts =
          RawRecords.envelopeHeaders(SHOPPING, UUID.randomUUID().toString());
      attempts.put(EnvelopeHeaders.ATTEMPTS, "2147483647");
      send(topic, "1", VALID, attempts);
      Map<String, String> elsewhere =
          RawRecords.envelopeHeaders(SHOPPING, UUID.randomUUID().toString());
      elsewhere.put(EnvelopeHeaders.ORIGINAL_TOPIC, "another-topic");
      send(topic, "1", VALID, elsewhere);
      send(topic, "1", VALID, RawRecords.envelopeHeaders(SHOPPING, goodId));

      await(WAIT, "the record after the malformed ones", () -> handler.handled.size() == 1);
      assertEquals(goodId, handler.handled.get(0).eventId().toString());
      assertEquals(1, handler.calls.size(), "malformed records reach no handler");
      List<ConsumerRecord<byte[], byte[]>> dead =
          RawRecords.read(KAFKA.bootstrapServers(), "fail-" + topic, 3, WAIT);
      List<String> headers =
          List.of(
              EnvelopeHeaders.RETRY_AT, EnvelopeHeaders.ATTEMPTS, EnvelopeHeaders.ORIGINAL_TOPIC);
      for (int i = 0; i < 3; i++) {
        ConsumerRecord<byte[], byte[]> letter = dead.get(i);
        assertEquals("malformed-header", RawRecords.header(letter, EnvelopeHeaders.REASON));
        assertTrue(
            RawRecords.header(letter, EnvelopeHeaders.EXCEPTION_MESSAGE).contains(headers.get(i)));
        assertEquals(
            topic,
            RawRecords.header(letter, EnvelopeHeaders.ORIGINAL_TOPIC),
            "the record's own topic, not a claimed one");
        assertEquals(
            Integer.toString(i), RawRecords.header(letter, EnvelopeHeaders.ORIGINAL_OFFSET));
      }
    }
  }

  /**
   * On a retry topic a deferral is clamped to the configured delay, with a warning, and an attempt
   * count at the top of int neither overflows nor keeps the event from its handler.
   */
  @Test
  void onARetryTopicADeferralIsClampedAndAttemptCountsAreBounded() throws Exception {
    String topic = unique("goods.retry-bounds");
    String group = unique("retry-bounds");
    String retryTopic = "retry-" + topic;
    RecordingHandler handler = new RecordingHandler();
    Properties props = props(group);
    props.put("domainevents.retry.topic.delay.ms", "1000");
    String farId = UUID.randomUUID().toString();
    String manyId = UUID.randomUUID().toString();
    String goodId = UUID.randomUUID().toString();
    try (StderrCapture log = new StderrCapture();
        KafkaInfra infra = start(props, topic, handler)) {
      Map<String, String> far = retryHeaders(farId, group, "3");
      far.put(
          EnvelopeHeaders.RETRY_AT,
          Long.toString(System.currentTimeMillis() + TimeUnit.DAYS.toMillis(365)));
      send(retryTopic, "1", VALID, far);
      send(retryTopic, "1", VALID, retryHeaders(manyId, group, "2147483647"));
      send(retryTopic, "1", VALID, retryHeaders(goodId, group, "3"));

      await(WAIT, "all three retry records", () -> handler.handled.size() == 3);
      assertEquals(
          List.of(UUID.fromString(farId), UUID.fromString(manyId), UUID.fromString(goodId)),
          handledIds(handler));
      assertEquals(
          List.of(4, Integer.MAX_VALUE, 4),
          handler.handled.stream().map(EventContext::attempt).toList());
      String line = log.line(retryTopic + "-0@0 asks to wait");
      assertTrue(line.contains("WARN") && line.contains("1000 ms"), line);
    }
  }

  private static Map<String, String> retryHeaders(String id, String group, String attempts) {
    Map<String, String> headers = RawRecords.envelopeHeaders(SHOPPING, id);
    headers.put(EnvelopeHeaders.GROUP, group);
    headers.put(EnvelopeHeaders.ATTEMPTS, attempts);
    headers.put(EnvelopeHeaders.RETRY_ROUND, "1");
    headers.put(EnvelopeHeaders.RETRY_AT, "0");
    return headers;
  }

  /**
   * Another group's record (a retry copy or a replayed dead letter) is skipped, but not silently.
   */
  @Test
  void aRecordOfAnotherGroupIsSkippedWithAWarning() throws Exception {
    String topic = unique("goods.foreign");
    RecordingHandler handler = new RecordingHandler();
    String foreignId = UUID.randomUUID().toString();
    String goodId = UUID.randomUUID().toString();
    try (StderrCapture log = new StderrCapture();
        KafkaInfra infra = start(props(unique("foreign")), topic, handler)) {
      Map<String, String> foreign = RawRecords.envelopeHeaders(SHOPPING, foreignId);
      foreign.put(EnvelopeHeaders.GROUP, "billing");
      send(topic, "1", VALID, foreign);
      send(topic, "1", VALID, RawRecords.envelopeHeaders(SHOPPING, goodId));

      await(WAIT, "the record after the foreign one", () -> handler.handled.size() == 1);
      assertEquals(List.of(UUID.fromString(goodId)), handledIds(handler));
      String line = log.line(topic + "-0@0");
      assertTrue(
          line.contains("WARN") && line.contains("billing") && line.contains(foreignId), line);
    }
  }

  /** A user header that is not UTF-8 is not repaired in silence: the record is dead-lettered. */
  @Test
  void aUserHeaderThatIsNotUtf8MakesAMalformedRecord() throws Exception {
    String topic = unique("goods.not-utf8");
    RecordingHandler handler = new RecordingHandler();
    String badId = UUID.randomUUID().toString();
    String goodId = UUID.randomUUID().toString();
    try (KafkaInfra infra = start(props(unique("not-utf8")), topic, handler)) {
      RecordHeaders headers = new RecordHeaders();
      RawRecords.envelopeHeaders(SHOPPING, badId)
          .forEach((k, v) -> headers.add(k, v.getBytes(StandardCharsets.UTF_8)));
      headers.add("x-note", new byte[] {'o', 'k', (byte) 0xC3, (byte) 0x28});
      RawRecords.send(KAFKA.bootstrapServers(), topic, "1", VALID, headers);
      send(topic, "1", VALID, RawRecords.envelopeHeaders(SHOPPING, goodId));

      await(WAIT, "the record after the malformed one", () -> handler.handled.size() == 1);
      assertEquals(List.of(UUID.fromString(goodId)), handledIds(handler));
      ConsumerRecord<byte[], byte[]> letter =
          RawRecords.read(KAFKA.bootstrapServers(), "fail-" + topic, 1, WAIT).get(0);
      assertEquals("malformed-header", RawRecords.header(letter, EnvelopeHeaders.REASON));
      assertEquals(badId, RawRecords.header(letter, EnvelopeHeaders.EVENT_ID));
      assertTrue(RawRecords.header(letter, EnvelopeHeaders.EXCEPTION_MESSAGE).contains("x-note"));
      assertEquals(
          4,
          letter.headers().lastHeader("x-note").value().length,
          "the dead letter keeps the bytes as they were");
    }
  }

  /**
   * While one partition's record waits for its next in-place attempt, the consumer handles the
   * other partition: told by the order of handler calls, not by timing.
   */
  @Test
  void anInPlaceBackoffPausesOnlyTheFailingPartition() {
    String topic = unique("goods.backoff");
    KAFKA.broker().createTopic(topic, 2);
    long failing = aggregateOnPartition(0);
    long healthy = aggregateOnPartition(1);
    RecordingHandler handler = failingFor(failing);
    Properties props = props(unique("backoff"));
    props.put("domainevents.ordered", "true"); // the mode where every partition used to wait
    props.put("domainevents.retry.attempts", "2");
    props.put("domainevents.retry.backoff.ms", "3000");
    try (KafkaInfra infra = start(props, topic, handler)) {
      await(
          WAIT,
          "both partitions assigned",
          () -> infra.assignment().stream().filter(p -> p.topic().equals(topic)).count() == 2);
      Goods bad = new Goods(failing);
      bad.shopping(1);
      infra.publishAndWait(Fixtures.drain(bad));
      await(WAIT, "the first attempt", () -> handler.calls.size() == 1);

      Goods good = new Goods(healthy);
      for (int i = 0; i < 3; i++) {
        good.shopping(1);
      }
      List<EventEnvelope> goodEvents = Fixtures.drain(good);
      infra.publishAndWait(goodEvents);
      await(
          WAIT, "the second attempt", () -> handler.calls.stream().anyMatch(c -> c.attempt() == 2));
      await(WAIT, "the other partition's events", () -> handler.handled.size() == 3);

      List<Long> order =
          handler.calls.stream().map(c -> ((GoodsObj) c.envelope().payload()).id()).toList();
      assertEquals(
          List.of(failing, healthy, healthy, healthy, failing),
          order,
          "the other partition was handled between the failing record's attempts");
    }
  }

  /** An aggregate id whose records Kafka's default partitioner puts on {@code partition} of 2. */
  private static long aggregateOnPartition(int partition) {
    for (long id = 100; ; id++) {
      byte[] key = Long.toString(id).getBytes(StandardCharsets.UTF_8);
      if (Utils.toPositive(Utils.murmur2(key)) % 2 == partition) {
        return id;
      }
    }
  }

  /**
   * What the README and KafkaInfra's Javadoc say: publish hands the records to the producer on the
   * caller's thread, and with no broker metadata Kafka's send() waits up to max.block.ms. The
   * future is then already failed.
   */
  @Test
  void publishBlocksItsCallerUpToMaxBlockMsWhenNoBrokerAnswers() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    String topic = unique("goods.no-broker");
    Properties props = new Properties();
    props.put("bootstrap.servers", "127.0.0.1:" + closedPort);
    props.put("max.block.ms", "1500");
    props.put("domainevents.close.timeout.ms", "1000");
    KafkaInfra infra = KafkaInfra.builder().properties(props).build();
    infra.start(EventCatalog.of(Fixtures.registry(topic)));
    try {
      Goods goods = new Goods(1);
      goods.shopping(1);
      List<EventEnvelope> events = Fixtures.drain(goods);
      long begin = System.nanoTime();
      CompletableFuture<Void> future = infra.publish(events);
      long blockedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin);
      assertTrue(blockedMs >= 1_400, "publish returned after " + blockedMs + " ms");
      assertTrue(future.isDone(), "the failure is known by the time publish returns");
      ExecutionException failed =
          assertThrows(ExecutionException.class, () -> future.get(1, TimeUnit.SECONDS));
      assertTrue(
          failed.getCause() instanceof EventPublishException, String.valueOf(failed.getCause()));
    } finally {
      infra.close();
    }
  }
}
