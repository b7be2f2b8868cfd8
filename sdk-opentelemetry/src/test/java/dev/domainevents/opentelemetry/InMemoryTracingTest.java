package dev.domainevents.opentelemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.domainevents.DomainEvents;
import dev.domainevents.EventEnvelope;
import dev.domainevents.EventInterceptors;
import dev.domainevents.EventScope;
import dev.domainevents.EventType;
import dev.domainevents.memory.InMemoryInfra;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The publish → handle → raise → handle chain on {@link InMemoryInfra}, traced with the SDK's
 * in-memory exporter: one trace, correct parents, the conventions' attributes, and the W3C headers
 * on what the infra received.
 */
class InMemoryTracingTest {
  private static final EventType<Parcel.Shipped> SHIPPED =
      EventType.of("Parcel:Shipped", Parcel.Shipped.class);
  private static final EventType<Parcel.Labelled> LABELLED =
      EventType.of("Parcel:Labelled", Parcel.Labelled.class);

  private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
  // No propagators configured, as OpenTelemetrySdk.builder() leaves it: the headers are W3C anyway.
  private final OpenTelemetrySdk otel =
      OpenTelemetrySdk.builder()
          .setTracerProvider(
              SdkTracerProvider.builder()
                  .addSpanProcessor(SimpleSpanProcessor.create(exporter))
                  .build())
          .build();
  private final InMemoryInfra infra = new InMemoryInfra();
  private final Shipping shipping = new Shipping(SHIPPED, LABELLED, 1);
  private DomainEvents.Installation installation;

  @BeforeEach
  void install() {
    installation =
        DomainEvents.install(
            infra,
            Parcel.catalog(List.of(SHIPPED, LABELLED)),
            EventInterceptors.builder().add(DomainEventTracing.create(otel)).build(),
            shipping);
  }

  @AfterEach
  void close() {
    installation.close();
    otel.close();
  }

  private static SpanData span(List<SpanData> spans, String name) {
    return spans.stream()
        .filter(s -> s.getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no span " + name + " in " + spans));
  }

  @Test
  void aChainOfEventsIsOneTraceWithTheConventionsAttributes() {
    Span checkout = otel.getTracer("test").spanBuilder("checkout").startSpan();
    try (Scope ignored =
        Baggage.builder()
            .put("tenant", "acme")
            .build()
            .storeInContext(Context.current().with(checkout))
            .makeCurrent()) {
      Parcel parcel = new Parcel("p-1");
      parcel.ship(SHIPPED, "box-1");
      DomainEvents.publish(parcel).join();
    } finally {
      checkout.end();
    }

    List<SpanData> spans = exporter.getFinishedSpanItems();
    String tree = SpanTree.render(spans, false);
    System.out.println(SpanTree.render(spans, true));
    assertEquals(
        """
        checkout [INTERNAL]
          send Parcel:Shipped [PRODUCER]
            process Parcel:Shipped [CONSUMER]
              send Parcel:Labelled [PRODUCER]
                process Parcel:Labelled [CONSUMER]
        """,
        tree);
    assertEquals(1, spans.stream().map(SpanData::getTraceId).distinct().count(), "one trace");

    EventEnvelope shipped = infra.published().get(0);
    EventEnvelope labelled = infra.published().get(1);
    SpanData sendShipped = span(spans, "send Parcel:Shipped");
    SpanData processShipped = span(spans, "process Parcel:Shipped");
    SpanData sendLabelled = span(spans, "send Parcel:Labelled");
    SpanData processLabelled = span(spans, "process Parcel:Labelled");

    assertEquals(SpanKind.PRODUCER, sendShipped.getKind());
    assertEquals("memory", sendShipped.getAttributes().get(Messaging.SYSTEM));
    assertEquals("Parcel:Shipped", sendShipped.getAttributes().get(Messaging.DESTINATION_NAME));
    assertEquals("send", sendShipped.getAttributes().get(Messaging.OPERATION_TYPE));
    assertEquals("send", sendShipped.getAttributes().get(Messaging.OPERATION_NAME));
    assertEquals(
        shipped.eventId().toString(), sendShipped.getAttributes().get(Messaging.MESSAGE_ID));
    assertEquals(
        shipped.correlationId(), sendShipped.getAttributes().get(Messaging.CONVERSATION_ID));

    assertEquals(SpanKind.CONSUMER, processShipped.getKind());
    assertEquals("process", processShipped.getAttributes().get(Messaging.OPERATION_TYPE));
    assertEquals("process", processShipped.getAttributes().get(Messaging.OPERATION_NAME));
    assertEquals(
        shipped.eventId().toString(), processShipped.getAttributes().get(Messaging.MESSAGE_ID));
    assertEquals(
        labelled.eventId().toString(), sendLabelled.getAttributes().get(Messaging.MESSAGE_ID));
    assertEquals(
        labelled.eventId().toString(), processLabelled.getAttributes().get(Messaging.MESSAGE_ID));

    // What the infra wrote "on the wire": the send span's context, and the caller's baggage.
    assertEquals(traceparent(sendShipped), shipped.header(EventScope.TRACEPARENT));
    assertEquals(traceparent(sendLabelled), labelled.header(EventScope.TRACEPARENT));
    assertEquals("tenant=acme", shipped.header(EventScope.BAGGAGE));
    assertEquals("tenant=acme", labelled.header(EventScope.BAGGAGE));

    // The handlers ran inside their process spans, with the baggage the chain carried.
    Shipping.Seen first = shipping.of("Parcel:Shipped");
    Shipping.Seen second = shipping.of("Parcel:Labelled");
    assertEquals(processShipped.getSpanContext(), first.span());
    assertEquals(processLabelled.getSpanContext(), second.span());
    assertEquals("acme", second.baggage().getEntryValue("tenant"));

    // The trace scope changed the trace context only: ids still chain.
    assertEquals(shipped.correlationId(), labelled.correlationId());
    assertEquals(shipped.eventId().toString(), labelled.causationId());
  }

  @Test
  void withoutACurrentSpanTheTraceStartsAtTheSendSpan() {
    Parcel parcel = new Parcel("p-2");
    parcel.ship(SHIPPED, "box-2");
    DomainEvents.publish(parcel).join();

    List<SpanData> spans = exporter.getFinishedSpanItems();
    assertEquals(
        """
        send Parcel:Shipped [PRODUCER]
          process Parcel:Shipped [CONSUMER]
            send Parcel:Labelled [PRODUCER]
              process Parcel:Labelled [CONSUMER]
        """,
        SpanTree.render(spans, false));
    assertEquals(1, spans.stream().map(SpanData::getTraceId).distinct().count());
    assertTrue(!span(spans, "send Parcel:Shipped").getParentSpanContext().isValid(), "a root span");
  }

  @Test
  void aFailingHandlersSpanIsInErrorAndCarriesTheDeadLetterEvent() {
    Parcel parcel = new Parcel("p-3");
    parcel.ship(SHIPPED, "poison");
    CompletionException failed =
        assertThrows(CompletionException.class, () -> DomainEvents.publish(parcel).join());
    assertTrue(failed.getCause() instanceof IllegalStateException, failed.toString());

    List<SpanData> spans = exporter.getFinishedSpanItems();
    SpanData process = span(spans, "process Parcel:Shipped");
    assertEquals(StatusCode.ERROR, process.getStatus().getStatusCode());
    assertEquals("cannot label a poison box", process.getStatus().getDescription());
    assertEquals(
        IllegalStateException.class.getName(), process.getAttributes().get(Messaging.ERROR_TYPE));
    List<String> events = process.getEvents().stream().map(EventData::getName).toList();
    assertEquals(List.of("exception", Messaging.DEAD_LETTER_EVENT), events);
    assertEquals(1L, process.getEvents().get(1).getAttributes().get(Messaging.ATTEMPT));
    assertNotEquals(
        StatusCode.ERROR,
        span(spans, "send Parcel:Shipped").getStatus().getStatusCode(),
        "the send itself succeeded");
  }

  private static String traceparent(SpanData span) {
    return "00-"
        + span.getTraceId()
        + "-"
        + span.getSpanId()
        + "-"
        + span.getSpanContext().getTraceFlags().asHex();
  }
}
