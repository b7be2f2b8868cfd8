package dev.domainevents.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.domainevents.EventEnvelope;
import dev.domainevents.EventInterceptor;
import dev.domainevents.EventInterceptors;
import dev.domainevents.EventPublishException;
import dev.domainevents.json.JsonPayloadCodec;
import dev.domainevents.spi.DispatchTable;
import dev.domainevents.spi.EventCatalog;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A unit test of the publisher's batch rule, with a producer stand-in; no broker. */
class KafkaEventPublisherTest {
  /**
   * Kafka 4 reports an unreachable broker through the callback, from inside {@code send()}. The
   * rest of the batch must not be sent: it could be delivered after the failed event. The same
   * holds when interceptors wrap each send.
   */
  @ParameterizedTest(name = "intercepted={0}")
  @ValueSource(booleans = {false, true})
  void aFailedCallbackStopsTheRestOfTheBatch(boolean intercepted) throws Exception {
    FailingFirstSend producer = new FailingFirstSend();
    KafkaEventPublisher publisher =
        publisher(
            producer,
            intercepted
                ? EventInterceptors.builder().add(new EventInterceptor() {}).build()
                : EventInterceptors.none());
    Fixtures.Goods goods = new Fixtures.Goods(1);
    goods.shopping(1);
    goods.shopping(2);
    goods.shopping(3);
    List<EventEnvelope> events = Fixtures.drain(goods);

    CompletableFuture<Void> published = publisher.publish(null, events);

    assertEquals(1, producer.sends, "only the first event was handed to the producer");
    ExecutionException error = assertThrows(ExecutionException.class, published::get);
    assertTrue(error.getCause() instanceof EventPublishException, String.valueOf(error.getCause()));
    assertTrue(error.getCause().getMessage().contains(events.get(0).eventId().toString()));
  }

  @Test
  void shipsEncodedPayloadsOfAnEqualCodecOnlyWhenNoInterceptorSeesThem() {
    EventInterceptors intercepting =
        EventInterceptors.builder().add(new EventInterceptor() {}).build();

    assertTrue(publisher(EventInterceptors.none()).shipsEncodedPayloads(JsonPayloadCodec.create()));
    assertFalse(
        publisher(EventInterceptors.none())
            .shipsEncodedPayloads(JsonPayloadCodec.create(new ObjectMapper())),
        "another mapper writes other bytes");
    assertFalse(
        publisher(intercepting).shipsEncodedPayloads(JsonPayloadCodec.create()),
        "an interceptor would see the encoded payload");
  }

  private static KafkaEventPublisher publisher(EventInterceptors interceptors) {
    return publisher(
        new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer()),
        interceptors);
  }

  private static KafkaEventPublisher publisher(
      Producer<byte[], byte[]> producer, EventInterceptors interceptors) {
    EventCatalog catalog = EventCatalog.of(Fixtures.registry("goods.publisher-unit"));
    return new KafkaEventPublisher(
        Map.of(
            "default",
            new KafkaEventPublisher.ClusterProducer("default", "unit", "none:9092", producer)),
        "default",
        Map.of(),
        new EnvelopeCodec(
            JsonPayloadCodec.create(),
            catalog,
            DispatchTable.of(List.of()),
            WireFormat.DOMAINEVENTS),
        false,
        interceptors);
  }

  private static final class FailingFirstSend extends MockProducer<byte[], byte[]> {
    int sends;

    FailingFirstSend() {
      super(false, null, new ByteArraySerializer(), new ByteArraySerializer());
    }

    @Override
    public synchronized Future<RecordMetadata> send(
        ProducerRecord<byte[], byte[]> record, Callback callback) {
      sends++;
      if (sends == 1) {
        callback.onCompletion(null, new TimeoutException("metadata not available"));
        return CompletableFuture.failedFuture(new TimeoutException("metadata not available"));
      }
      return super.send(record, callback);
    }
  }
}
