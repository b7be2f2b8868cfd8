package dev.domainevents.opentelemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.domainevents.DomainEvents;
import dev.domainevents.EventInterceptors;
import dev.domainevents.EventType;
import dev.domainevents.kafka.KafkaInfra;
import dev.domainevents.test.kafka.EmbeddedKafkaExtension;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The publish → handle → raise → handle chain on a real (embedded) Kafka broker: one trace across
 * the wire and the consumer thread, with topic, partition, offset and group on the process spans.
 */
class KafkaTracingTest {
  @RegisterExtension static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

  private static final long WAIT_SECONDS = 120;

  @Test
  void aChainOfEventsIsOneTraceAcrossTheBroker() throws Exception {
    String topic = "parcels-" + System.nanoTime() % 1_000_000;
    String group = "shipping-" + System.nanoTime() % 1_000_000;
    KAFKA.broker().createTopic(topic, 1);
    EventType<Parcel.Shipped> shipped =
        EventType.of("Parcel:Shipped", Parcel.Shipped.class, topic, 1);
    EventType<Parcel.Labelled> labelled =
        EventType.of("Parcel:Labelled", Parcel.Labelled.class, topic, 1);
    Shipping shipping = new Shipping(shipped, labelled, 1);

    InMemorySpanExporter exporter = InMemorySpanExporter.create();
    try (OpenTelemetrySdk otel =
            OpenTelemetrySdk.builder()
                .setTracerProvider(
                    SdkTracerProvider.builder()
                        .addSpanProcessor(SimpleSpanProcessor.create(exporter))
                        .build())
                .build();
        DomainEvents.Installation installation =
            DomainEvents.install(
                KafkaInfra.builder().properties(client(group)).build(),
                Parcel.catalog(List.of(shipped, labelled)),
                EventInterceptors.builder().add(DomainEventTracing.create(otel)).build(),
                shipping)) {
      Span checkout = otel.getTracer("test").spanBuilder("checkout").startSpan();
      try (Scope ignored = checkout.makeCurrent()) {
        Parcel parcel = new Parcel("p-1");
        parcel.ship(shipped, "box-1");
        DomainEvents.publishAndWait(parcel);
      } finally {
        checkout.end();
      }
      assertTrue(shipping.labels.await(WAIT_SECONDS, TimeUnit.SECONDS), "labelled in time");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
      while (exporter.getFinishedSpanItems().size() < 5 && System.nanoTime() < deadline) {
        Thread.sleep(20); // the last process span ends with its outcome, on the consumer thread
      }

      List<SpanData> spans = exporter.getFinishedSpanItems();
      System.out.println(SpanTree.render(spans, true));
      assertEquals(
          """
          checkout [INTERNAL]
            send %1$s [PRODUCER]
              process %1$s [CONSUMER]
                send %1$s [PRODUCER]
                  process %1$s [CONSUMER]
          """
              .formatted(topic),
          SpanTree.render(spans, false));
      assertEquals(1, spans.stream().map(SpanData::getTraceId).distinct().count(), "one trace");

      List<SpanData> processed =
          spans.stream().filter(s -> s.getKind() == SpanKind.CONSUMER).toList();
      for (int i = 0; i < processed.size(); i++) {
        SpanData span = processed.get(i);
        assertEquals("kafka", span.getAttributes().get(Messaging.SYSTEM));
        assertEquals(topic, span.getAttributes().get(Messaging.DESTINATION_NAME));
        assertEquals(group, span.getAttributes().get(Messaging.CONSUMER_GROUP));
        assertEquals("0", span.getAttributes().get(Messaging.PARTITION));
        assertEquals((long) i, span.getAttributes().get(Messaging.KAFKA_OFFSET));
        assertEquals("p-1", span.getAttributes().get(Messaging.KAFKA_KEY));
      }
      assertEquals(
          shipping.of("Parcel:Shipped").envelope().eventId().toString(),
          processed.get(0).getAttributes().get(Messaging.MESSAGE_ID));
      assertEquals(processed.get(0).getSpanContext(), shipping.of("Parcel:Shipped").span());
      assertEquals(processed.get(1).getSpanContext(), shipping.of("Parcel:Labelled").span());
    }
  }

  private static Properties client(String group) {
    Properties props = new Properties();
    props.put("bootstrap.servers", KAFKA.bootstrapServers());
    props.put("group.id", group);
    props.put("session.timeout.ms", "6000");
    props.put("heartbeat.interval.ms", "500");
    props.put("metadata.max.age.ms", "2000");
    props.put("linger.ms", "2");
    props.put("domainevents.close.timeout.ms", "5000");
    return props;
  }
}
