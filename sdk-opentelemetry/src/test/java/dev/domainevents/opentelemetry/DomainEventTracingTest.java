package dev.domainevents.opentelemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.domainevents.Delivery;
import dev.domainevents.EventEnvelope;
import dev.domainevents.EventInterceptor.Outcome;
import dev.domainevents.EventInterceptor.Publication;
import dev.domainevents.EventInterceptors;
import dev.domainevents.EventScope;
import dev.domainevents.spi.Envelopes;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The interceptor through the real {@link EventInterceptors} chain, driven the way an infra drives
 * it: retries, poison, skips, failed sends, stored contexts and oversized headers.
 */
class DomainEventTracingTest {
  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String STORED_SPAN = "00f067aa0ba902b7";
  private static final String STORED = "00-" + TRACE_ID + "-" + STORED_SPAN + "-01";

  private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
  private final OpenTelemetrySdk otel =
      OpenTelemetrySdk.builder()
          .setTracerProvider(
              SdkTracerProvider.builder()
                  .addSpanProcessor(SimpleSpanProcessor.create(exporter))
                  .build())
          .build();
  private final EventInterceptors chain =
      EventInterceptors.builder().add(DomainEventTracing.create(otel)).build();

  @AfterEach
  void close() {
    otel.close();
  }

  private static EventEnvelope event(Map<String, String> headers) {
    return Envelopes.event("Parcel:Shipped", "p-1", new Parcel.Shipped("box"), headers);
  }

  private static Delivery kafka(EventEnvelope envelope, int attempt) {
    return Delivery.of(envelope, attempt, "kafka", "parcels", "shipping", 3, 42L);
  }

  @Test
  void eachAttemptIsAProcessSpanAndARetryIsAnEventOnTheFailedOne() throws Exception {
    EventEnvelope envelope = event(Map.of(EventScope.TRACEPARENT, STORED));
    Delivery first = kafka(envelope, 1);
    IllegalStateException down = new IllegalStateException("database down");
    assertThrows(
        IllegalStateException.class,
        () ->
            chain.handle(
                first,
                () -> {
                  throw down;
                }));
    chain.outcome(first, Outcome.RETRIED, down, 1_000);
    Delivery second = kafka(envelope, 2);
    chain.handle(second, () -> {});
    chain.outcome(second, Outcome.HANDLED, null, 1_000);

    List<SpanData> spans = exporter.getFinishedSpanItems();
    assertEquals(2, spans.size());
    SpanData failed = spans.get(0);
    SpanData handled = spans.get(1);
    for (SpanData span : spans) {
      assertEquals("process parcels", span.getName());
      assertEquals(SpanKind.CONSUMER, span.getKind());
      assertEquals(TRACE_ID, span.getTraceId(), "parent from the record's traceparent");
      assertEquals(STORED_SPAN, span.getParentSpanId());
      assertEquals("kafka", span.getAttributes().get(Messaging.SYSTEM));
      assertEquals("parcels", span.getAttributes().get(Messaging.DESTINATION_NAME));
      assertEquals("shipping", span.getAttributes().get(Messaging.CONSUMER_GROUP));
      assertEquals("3", span.getAttributes().get(Messaging.PARTITION));
      assertEquals(42L, span.getAttributes().get(Messaging.KAFKA_OFFSET));
      assertEquals("p-1", span.getAttributes().get(Messaging.KAFKA_KEY));
    }
    assertEquals(StatusCode.ERROR, failed.getStatus().getStatusCode());
    assertEquals("database down", failed.getStatus().getDescription());
    assertEquals(
        List.of("exception", Messaging.RETRY_EVENT),
        failed.getEvents().stream().map(EventData::getName).toList());
    assertEquals(1L, failed.getEvents().get(1).getAttributes().get(Messaging.ATTEMPT));
    assertEquals(StatusCode.UNSET, handled.getStatus().getStatusCode());
    assertTrue(handled.getEvents().isEmpty());
  }

  @Test
  void aRecordThatNeverReachedAHandlerGetsAProcessSpanWithItsOutcome() {
    EventEnvelope envelope = event(Map.of(EventScope.TRACEPARENT, STORED));
    chain.outcome(
        kafka(envelope, 1), Outcome.DEAD_LETTERED, new IllegalArgumentException("undecodable"), 0);
    chain.outcome(kafka(envelope, 1), Outcome.SKIPPED, null, 0);
    chain.outcome(kafka(envelope, 1), Outcome.DUPLICATE, null, 0);

    List<SpanData> spans = exporter.getFinishedSpanItems();
    assertEquals(1, spans.size(), "skips and duplicates get no span");
    SpanData poison = spans.get(0);
    assertEquals(STORED_SPAN, poison.getParentSpanId());
    assertEquals(StatusCode.ERROR, poison.getStatus().getStatusCode());
    assertEquals(
        IllegalArgumentException.class.getName(), poison.getAttributes().get(Messaging.ERROR_TYPE));
    assertEquals(
        List.of("exception", Messaging.DEAD_LETTER_EVENT),
        poison.getEvents().stream().map(EventData::getName).toList());
  }

  @Test
  void aSpanWhoseOutcomeNeverCameIsEndedByTheNextDelivery() throws Exception {
    chain.handle(kafka(event(Map.of()), 1), () -> {});
    assertTrue(exporter.getFinishedSpanItems().isEmpty(), "waits for its outcome");
    Delivery next = kafka(event(Map.of()), 1);
    chain.handle(next, () -> {});
    assertEquals(1, exporter.getFinishedSpanItems().size());
    chain.outcome(next, Outcome.HANDLED, null, 0);
    assertEquals(2, exporter.getFinishedSpanItems().size());
  }

  @Test
  void aSendThatFailsEndsItsSpanInError() {
    EventEnvelope envelope = event(Map.of());
    CompletableFuture<Void> sent =
        chain.publish(
            new Publication(envelope, "kafka", "parcels"),
            e -> CompletableFuture.failedFuture(new IllegalStateException("broker gone")));
    ExecutionException failed = assertThrows(ExecutionException.class, sent::get);
    assertEquals("broker gone", failed.getCause().getMessage(), "the failure is unchanged");

    SpanData span = exporter.getFinishedSpanItems().get(0);
    assertEquals("send parcels", span.getName());
    assertEquals(SpanKind.PRODUCER, span.getKind());
    assertEquals(StatusCode.ERROR, span.getStatus().getStatusCode());
    assertEquals("p-1", span.getAttributes().get(Messaging.KAFKA_KEY));
    assertEquals(
        IllegalStateException.class.getName(), span.getAttributes().get(Messaging.ERROR_TYPE));
  }

  @Test
  void aStoredContextIsTheSendSpansParentOrALinkWhenAnotherSpanIsCurrent() {
    // As the outbox relay publishes a row: no current span, the row's traceparent in the headers.
    List<EventEnvelope> wire = new ArrayList<>();
    EventEnvelope stored = event(Map.of(EventScope.TRACEPARENT, STORED));
    chain
        .publish(
            new Publication(stored, "kafka", "parcels"),
            e -> {
              wire.add(e);
              return CompletableFuture.completedFuture(null);
            })
        .join();
    SpanData child = exporter.getFinishedSpanItems().get(0);
    assertEquals(TRACE_ID, child.getTraceId());
    assertEquals(STORED_SPAN, child.getParentSpanId());
    assertTrue(child.getLinks().isEmpty());
    assertEquals(
        "00-" + TRACE_ID + "-" + child.getSpanId() + "-01",
        wire.get(0).header(EventScope.TRACEPARENT),
        "the wire carries the send span");
    assertEquals(stored.eventId(), wire.get(0).eventId());

    // A relay that traces its own poll: the send is its child and links to the stored context.
    exporter.reset();
    Span poll = otel.getTracer("test").spanBuilder("poll").startSpan();
    try (Scope ignored = poll.makeCurrent()) {
      chain
          .publish(
              new Publication(stored, "kafka", "parcels"),
              e -> CompletableFuture.completedFuture(null))
          .join();
    } finally {
      poll.end();
    }
    SpanData linked = exporter.getFinishedSpanItems().get(0);
    assertEquals(poll.getSpanContext().getSpanId(), linked.getParentSpanId());
    assertEquals(1, linked.getLinks().size());
    assertEquals(STORED_SPAN, linked.getLinks().get(0).getSpanContext().getSpanId());
    assertEquals(TRACE_ID, linked.getLinks().get(0).getSpanContext().getTraceId());
  }

  @Test
  void headersLongerThanTheirW3cLimitAreIgnored() throws Exception {
    EventEnvelope envelope =
        event(
            Map.of(
                EventScope.TRACEPARENT,
                STORED,
                EventScope.BAGGAGE,
                "k=" + "v".repeat(TraceHeaders.MAX_BAGGAGE)));
    AtomicReference<Baggage> seen = new AtomicReference<>();
    AtomicReference<EventEnvelope> raised = new AtomicReference<>();
    Delivery delivery = kafka(envelope, 1);
    chain.handle(
        delivery,
        () -> {
          seen.set(Baggage.current());
          raised.set(Envelopes.event("Parcel:Shipped", "p-2", new Parcel.Shipped("b"), Map.of()));
        });
    chain.outcome(delivery, Outcome.HANDLED, null, 0);

    assertTrue(seen.get().isEmpty(), "the oversized baggage was not parsed");
    assertNull(raised.get().header(EventScope.BAGGAGE));
    SpanData span = exporter.getFinishedSpanItems().get(0);
    assertEquals(STORED_SPAN, span.getParentSpanId(), "the traceparent still counts");
    assertEquals(
        "00-" + TRACE_ID + "-" + span.getSpanId() + "-01",
        raised.get().header(EventScope.TRACEPARENT),
        "a raised event carries the handler span");
  }

  @Test
  void currentContextPutsTheCurrentSpanOnEventsRaisedOutsideHandlers() {
    Span request = otel.getTracer("test").spanBuilder("request").startSpan();
    EventEnvelope raised;
    try (Scope ignored = request.makeCurrent();
        EventScope scope = DomainEventTracing.currentContext()) {
      raised = event(Map.of());
    } finally {
      request.end();
    }
    assertEquals(
        "00-"
            + request.getSpanContext().getTraceId()
            + "-"
            + request.getSpanContext().getSpanId()
            + "-"
            + request.getSpanContext().getTraceFlags().asHex(),
        raised.header(EventScope.TRACEPARENT));
    assertFalse(event(Map.of()).headers().containsKey(EventScope.TRACEPARENT), "closed");
  }

  @Test
  void aBatchSpanLinksToEveryRecordsCreationContext() throws Exception {
    String otherSpan = "b7ad6b7169203331";
    List<Delivery> batch =
        List.of(
            kafka(event(Map.of(EventScope.TRACEPARENT, STORED)), 1),
            kafka(
                event(Map.of(EventScope.TRACEPARENT, "00-" + TRACE_ID + "-" + otherSpan + "-01")),
                1),
            kafka(event(Map.of()), 1));
    AtomicReference<EventEnvelope> raised = new AtomicReference<>();
    DomainEventTracing tracing = DomainEventTracing.create(otel);
    tracing.handleBatch(
        batch,
        () ->
            raised.set(
                Envelopes.event("Parcel:Shipped", "p-9", new Parcel.Shipped("b"), Map.of())));
    IllegalStateException down = new IllegalStateException("batch failed");
    assertThrows(
        IllegalStateException.class,
        () ->
            tracing.handleBatch(
                batch,
                () -> {
                  throw down;
                }));

    List<SpanData> spans = exporter.getFinishedSpanItems();
    assertEquals(2, spans.size());
    SpanData span = spans.get(0);
    assertEquals("process parcels", span.getName());
    assertEquals(SpanKind.CONSUMER, span.getKind());
    assertFalse(span.getParentSpanContext().isValid(), "no single parent for a batch");
    assertEquals(3L, span.getAttributes().get(Messaging.BATCH_COUNT));
    assertEquals("3", span.getAttributes().get(Messaging.PARTITION), "all from one partition");
    assertEquals("shipping", span.getAttributes().get(Messaging.CONSUMER_GROUP));
    assertNull(span.getAttributes().get(Messaging.MESSAGE_ID));
    assertEquals(
        List.of(STORED_SPAN, otherSpan),
        span.getLinks().stream().map(l -> l.getSpanContext().getSpanId()).toList(),
        "one link per record that carries a context");
    assertEquals(
        "00-"
            + span.getTraceId()
            + "-"
            + span.getSpanId()
            + "-"
            + span.getSpanContext().getTraceFlags().asHex(),
        raised.get().header(EventScope.TRACEPARENT),
        "an event raised by a batch handler carries the batch span");
    assertEquals(StatusCode.ERROR, spans.get(1).getStatus().getStatusCode());
  }
}
