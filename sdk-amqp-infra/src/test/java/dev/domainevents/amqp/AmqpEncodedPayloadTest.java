package dev.domainevents.amqp;

import static dev.domainevents.amqp.Fixtures.SHOPPING;
import static dev.domainevents.amqp.Fixtures.SHOPPING_TYPE;
import static dev.domainevents.amqp.Fixtures.await;
import static dev.domainevents.amqp.Fixtures.catalog;
import static dev.domainevents.amqp.Fixtures.fast;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import dev.domainevents.EventEnvelope;
import dev.domainevents.EventInterceptor;
import dev.domainevents.EventInterceptors;
import dev.domainevents.amqp.Fixtures.GoodsObj;
import dev.domainevents.amqp.Fixtures.RecordingHandler;
import dev.domainevents.json.JsonPayloadCodec;
import dev.domainevents.spi.EncodedPayload;
import dev.domainevents.spi.Envelopes;
import dev.domainevents.spi.PayloadCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Payloads an outbox relay hands over in their stored bytes ({@link EncodedPayload}), against the
 * RabbitMQ on 127.0.0.1:5672.
 */
@Tag("rabbitmq")
class AmqpEncodedPayloadTest {
  private static final Duration WAIT = Duration.ofSeconds(60);

  /** A property {@link GoodsObj} does not have: decoding and encoding again would drop it. */
  private static final String STORED =
      "{\"id\":7,\"name\":\"apple\",\"amount\":2,\"sequence\":0,\"note\":\"kept\"}";

  @Test
  void aStartedInfraShipsAPayloadOfItsOwnCodecInTheBytesItCameIn() throws Exception {
    try (RabbitVhost vhost = RabbitVhost.create("encoded")) {
      RecordingHandler handler = new RecordingHandler();
      AmqpInfra infra = AmqpInfra.builder().properties(fast(vhost, "shop")).build();
      infra.subscribe(handler);
      assertFalse(infra.shipsEncodedPayloads(JsonPayloadCodec.create()), "not started yet");
      infra.start(catalog());
      try (infra;
          Connection raw = vhost.connect();
          Channel inspect = raw.createChannel()) {
        assertTrue(infra.shipsEncodedPayloads(JsonPayloadCodec.create()));
        assertFalse(
            infra.shipsEncodedPayloads(JsonPayloadCodec.create(new ObjectMapper())),
            "another mapper writes other bytes");
        inspect.queueDeclare("tap", false, false, true, null);
        inspect.queueBind("tap", "goods", "goods.shopping");

        infra.publishAndWait(List.of(stored(JsonPayloadCodec.create())));

        assertEquals(STORED, body(inspect), "the stored bytes, not a decoded and encoded copy");
        await(WAIT, "the handler", () -> handler.handled.size() == 1);
        assertEquals(new GoodsObj(7, "apple", 2, 0), handler.handled.get(0).envelope().payload());
      }
      assertFalse(infra.shipsEncodedPayloads(JsonPayloadCodec.create()), "closed");
    }
  }

  @Test
  void aPayloadOfAnotherCodecIsDecodedAndEncodedWithTheInfrasOwn() throws Exception {
    PayloadCodec other =
        JsonPayloadCodec.create(
            new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES));
    try (RabbitVhost vhost = RabbitVhost.create("encoded-other");
        AmqpInfra infra = Fixtures.start(fast(vhost, "shop"));
        Connection raw = vhost.connect();
        Channel inspect = raw.createChannel()) {
      inspect.queueDeclare("tap", false, false, true, null);
      inspect.queueBind("tap", "goods", "goods.shopping");

      infra.publishAndWait(List.of(stored(other)));

      assertEquals("{\"id\":7,\"name\":\"apple\",\"amount\":2,\"sequence\":0}", body(inspect));
    }
  }

  @Test
  void notWhileAnInterceptorSeesWhatIsPublished() throws Exception {
    try (RabbitVhost vhost = RabbitVhost.create("encoded-intercepted");
        AmqpInfra infra = AmqpInfra.builder().properties(fast(vhost, "shop")).build()) {
      infra.start(catalog(), EventInterceptors.builder().add(new EventInterceptor() {}).build());
      assertFalse(
          infra.shipsEncodedPayloads(JsonPayloadCodec.create()),
          "an interceptor would see the encoded payload");
    }
  }

  /** An event of {@link #STORED}, as a relay reads it from its table: bytes {@code codec} wrote. */
  private static EventEnvelope stored(PayloadCodec codec) {
    EventEnvelope event = Envelopes.event(SHOPPING, "7", new GoodsObj(7, "apple", 2, 0), Map.of());
    return new EventEnvelope(
        event.eventId(),
        event.name(),
        event.aggregateType(),
        event.aggregateId(),
        new EncodedPayload(STORED.getBytes(StandardCharsets.UTF_8), codec, GoodsObj.class),
        event.headers(),
        event.occurredAt(),
        event.correlationId(),
        event.causationId(),
        event.schemaVersion(),
        SHOPPING_TYPE);
  }

  /** The body of the first message on queue {@code tap}, as the broker holds it. */
  private static String body(Channel inspect) throws Exception {
    GetResponse[] tapped = new GetResponse[1];
    await(WAIT, "a message on tap", () -> (tapped[0] = basicGet(inspect)) != null);
    return new String(tapped[0].getBody(), StandardCharsets.UTF_8);
  }

  private static GetResponse basicGet(Channel inspect) {
    try {
      return inspect.basicGet("tap", true);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
