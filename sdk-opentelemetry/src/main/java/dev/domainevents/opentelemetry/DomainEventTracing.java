package dev.domainevents.opentelemetry;

import dev.domainevents.Delivery;
import dev.domainevents.EventEnvelope;
import dev.domainevents.EventInterceptor;
import dev.domainevents.EventScope;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Traces publishing and handling with OpenTelemetry, after the <a
 * href="https://github.com/open-telemetry/semantic-conventions/blob/v1.37.0/docs/messaging/messaging-spans.md">semantic
 * conventions for messaging spans, version 1.37.0</a> (status "development" there, so pinned):
 *
 * <pre>{@code
 * DomainEvents.install(
 *     infra,
 *     EventInterceptors.builder().add(DomainEventTracing.create(openTelemetry)).build(),
 *     new StoreController());
 * }</pre>
 *
 * <ul>
 *   <li><b>Send</b>: a {@code PRODUCER} span "send &lt;destination&gt;" per published event, a
 *       child of the current context, with {@code messaging.system}, {@code
 *       messaging.destination.name}, {@code messaging.operation.type} and {@code .name} {@code
 *       send}, {@code messaging.message.id} (the event id) and {@code
 *       messaging.message.conversation_id} (the correlation id). Its context goes into the headers
 *       the infra writes on the wire: W3C {@code traceparent}, {@code tracestate} and {@code
 *       baggage}. With no current span, the span is a child of the trace context the envelope
 *       already carries (an outbox row's, say); with a current span of another trace, it links to
 *       that context instead. It ends when the infra has accepted the event, in error if it failed.
 *   <li><b>Process</b>: a {@code CONSUMER} span "process &lt;destination&gt;" per delivery attempt,
 *       whose parent is the context in the event's headers, with {@code messaging.operation.type}
 *       {@code process}, the consumer group, and the partition and offset where the infra has them.
 *       The span is current while the handlers run, and a nested {@link EventScope#trace} scope
 *       puts its context on every event they raise, so publish, handle, raise and handle again are
 *       one trace. A failing handler sets the span's status to error and records the exception; the
 *       outcome adds a span event ({@code domainevents.retry}, {@code domainevents.retry_topic},
 *       {@code domainevents.dead_letter}) and ends the span. A poison record that never reached a
 *       handler gets a process span of its own with the event.
 * </ul>
 *
 * <p>Trace context is read and written as W3C headers whatever propagators {@code openTelemetry}
 * has, since those are the headers the SDK carries from event to event; a header longer than its
 * W3C limit is ignored. Skipped and duplicate deliveries get no span.
 */
public final class DomainEventTracing implements EventInterceptor {
  /** The instrumentation scope name of every span this module starts. */
  public static final String INSTRUMENTATION_NAME = "dev.domainevents.opentelemetry";

  /** The schema URL of the semantic conventions version followed, set on the tracer. */
  static final String SCHEMA_URL = "https://opentelemetry.io/schemas/" + Messaging.SEMCONV_VERSION;

  /** The span of the delivery this thread handled last, until its outcome ends it. */
  private final ThreadLocal<Processing> processing = new ThreadLocal<>();

  private final Tracer tracer;

  private DomainEventTracing(Tracer tracer) {
    this.tracer = tracer;
  }

  /** Returns an interceptor that traces with {@code openTelemetry}'s tracer provider. */
  public static DomainEventTracing create(OpenTelemetry openTelemetry) {
    Objects.requireNonNull(openTelemetry, "openTelemetry");
    return new DomainEventTracing(
        openTelemetry
            .getTracerProvider()
            .tracerBuilder(INSTRUMENTATION_NAME)
            .setSchemaUrl(SCHEMA_URL)
            .build());
  }

  /**
   * Opens an {@link EventScope} whose events carry the current OpenTelemetry context, for events
   * raised outside a handler that do not go through an infra's publish: those written to a
   * transactional outbox, whose relay publishes them later. The relay's send span is then a child
   * of this context.
   *
   * <pre>{@code
   * try (EventScope scope = DomainEventTracing.currentContext()) {
   *   outbox.write(connection, goods);
   * }
   * }</pre>
   */
  public static EventScope currentContext() {
    return EventScope.trace(TraceHeaders.of(Context.current()));
  }

  @Override
  public CompletableFuture<Void> publish(Publication publication, PublishStep next) {
    EventEnvelope envelope = publication.envelope();
    Context current = Context.current();
    SpanContext currentSpan = Span.fromContext(current).getSpanContext();
    Context carried = TraceHeaders.extract(current, envelope.headers());
    SpanContext carriedSpan = Span.fromContext(carried).getSpanContext();
    SpanBuilder builder =
        tracer
            .spanBuilder(Messaging.spanName(Messaging.SEND, publication.destination()))
            .setSpanKind(SpanKind.PRODUCER)
            .setAttribute(Messaging.SYSTEM, Messaging.system(publication.system()))
            .setAttribute(Messaging.OPERATION_TYPE, Messaging.SEND)
            .setAttribute(Messaging.OPERATION_NAME, Messaging.SEND);
    setIfPresent(builder, Messaging.DESTINATION_NAME, publication.destination());
    builder
        .setAttribute(Messaging.MESSAGE_ID, envelope.eventId().toString())
        .setAttribute(Messaging.CONVERSATION_ID, envelope.correlationId());
    if ("kafka".equals(publication.system())) {
      setIfPresent(builder, Messaging.KAFKA_KEY, envelope.aggregateId());
    }
    Context parent;
    if (currentSpan.isValid()) {
      parent = current;
      if (carriedSpan.isValid() && !carriedSpan.getSpanId().equals(currentSpan.getSpanId())) {
        builder.addLink(carriedSpan); // e.g. a relay traced itself: the row's context is linked
      }
    } else {
      parent = carried; // the envelope's own context: an outbox row's, or a scope's
    }
    Span span = builder.setParent(parent).startSpan();
    Context sending = parent.with(span);
    EventEnvelope traced = envelope.withHeaders(TraceHeaders.replace(envelope.headers(), sending));
    CompletableFuture<Void> sent;
    try (Scope ignored = sending.makeCurrent()) {
      sent = next.publish(traced);
    } catch (RuntimeException | Error e) {
      fail(span, e);
      span.end();
      throw e;
    }
    var unused =
        sent.whenComplete(
            (done, failure) -> {
              if (failure != null) {
                fail(span, unwrap(failure));
              }
              span.end();
            });
    return sent;
  }

  @Override
  public void handle(Delivery delivery, HandleStep next) throws Exception {
    endLeftover();
    Context parent = TraceHeaders.extract(Context.current(), delivery.envelope().headers());
    Span span = processSpan(delivery, parent).startSpan();
    Context handling = parent.with(span);
    try (Scope ignored = handling.makeCurrent();
        EventScope raised = EventScope.trace(TraceHeaders.of(handling))) {
      next.handle();
    } catch (Exception | Error e) {
      fail(span, e);
      processing.set(new Processing(span, delivery));
      throw e;
    }
    processing.set(new Processing(span, delivery));
  }

  /**
   * Wraps one call of a batch handler in a {@code CONSUMER} span "process &lt;destination&gt;" with
   * {@code messaging.batch.message_count}, a child of the current context, that <b>links</b> to
   * each record's creation context (the conventions' rule for batches, since a span has one
   * parent). Events the batch handler raises carry this span's context. The span ends when the
   * handler returns, in error if it threw; a batch that falls back to record-by-record handling
   * then gets one process span per record through {@link #handle}.
   *
   * <p>This is the batch hook of the interceptor SPI that batch handlers add ({@code
   * EventInterceptor.handleBatch}, same signature); until that SPI is part of {@code sdk-api}, an
   * infra does not call it.
   */
  public void handleBatch(List<? extends Delivery> deliveries, HandleStep next) throws Exception {
    endLeftover();
    Delivery first = deliveries.get(0);
    Context parent = Context.current();
    SpanBuilder builder =
        tracer
            .spanBuilder(Messaging.spanName(Messaging.PROCESS, first.destination()))
            .setSpanKind(SpanKind.CONSUMER)
            .setParent(parent)
            .setAttribute(Messaging.SYSTEM, Messaging.system(first.system()))
            .setAttribute(Messaging.OPERATION_TYPE, Messaging.PROCESS)
            .setAttribute(Messaging.OPERATION_NAME, Messaging.PROCESS)
            .setAttribute(Messaging.BATCH_COUNT, (long) deliveries.size());
    setIfPresent(builder, Messaging.DESTINATION_NAME, first.destination());
    setIfPresent(builder, Messaging.CONSUMER_GROUP, first.consumerGroup());
    int partition = first.partition();
    for (Delivery delivery : deliveries) {
      if (delivery.partition() != partition) {
        partition = -1;
      }
      SpanContext created =
          Span.fromContext(TraceHeaders.extract(Context.root(), delivery.envelope().headers()))
              .getSpanContext();
      if (created.isValid()) {
        builder.addLink(created);
      }
    }
    if (partition >= 0) {
      builder.setAttribute(Messaging.PARTITION, Integer.toString(partition));
    }
    Span span = builder.startSpan();
    Context handling = parent.with(span);
    try (Scope ignored = handling.makeCurrent();
        EventScope raised = EventScope.trace(TraceHeaders.of(handling))) {
      next.handle();
    } catch (Exception | Error e) {
      fail(span, e);
      throw e;
    } finally {
      span.end();
    }
  }

  @Override
  public void onOutcome(Delivery delivery, Outcome outcome, Throwable cause, long durationNanos) {
    Processing handled = processing.get();
    Span span;
    if (handled != null && handled.isOf(delivery)) {
      processing.remove();
      span = handled.span;
    } else if (outcome == Outcome.DEAD_LETTERED || outcome == Outcome.RETRY_TOPIC) {
      // Never reached a handler (poison, say): the failure still shows in the message's trace.
      Context parent = TraceHeaders.extract(Context.current(), delivery.envelope().headers());
      span = processSpan(delivery, parent).startSpan();
      if (cause != null) {
        fail(span, cause);
      }
    } else {
      return;
    }
    String event = eventOf(outcome);
    if (event != null) {
      span.addEvent(event, Attributes.of(Messaging.ATTEMPT, (long) delivery.attempt()));
    }
    span.end();
  }

  /** Ends the span of an earlier delivery whose outcome never came (an infra that reports none). */
  private void endLeftover() {
    Processing left = processing.get();
    if (left != null) {
      processing.remove();
      left.span.end();
    }
  }

  private SpanBuilder processSpan(Delivery delivery, Context parent) {
    EventEnvelope envelope = delivery.envelope();
    SpanBuilder builder =
        tracer
            .spanBuilder(Messaging.spanName(Messaging.PROCESS, delivery.destination()))
            .setSpanKind(SpanKind.CONSUMER)
            .setParent(parent)
            .setAttribute(Messaging.SYSTEM, Messaging.system(delivery.system()))
            .setAttribute(Messaging.OPERATION_TYPE, Messaging.PROCESS)
            .setAttribute(Messaging.OPERATION_NAME, Messaging.PROCESS);
    setIfPresent(builder, Messaging.DESTINATION_NAME, delivery.destination());
    builder
        .setAttribute(Messaging.MESSAGE_ID, envelope.eventId().toString())
        .setAttribute(Messaging.CONVERSATION_ID, envelope.correlationId());
    setIfPresent(builder, Messaging.CONSUMER_GROUP, delivery.consumerGroup());
    if (delivery.partition() >= 0) {
      builder.setAttribute(Messaging.PARTITION, Integer.toString(delivery.partition()));
    }
    if ("kafka".equals(delivery.system())) {
      if (delivery.offset() >= 0) {
        builder.setAttribute(Messaging.KAFKA_OFFSET, delivery.offset());
      }
      setIfPresent(builder, Messaging.KAFKA_KEY, envelope.aggregateId());
    }
    return builder;
  }

  private static void setIfPresent(SpanBuilder builder, AttributeKey<String> key, String value) {
    if (value != null && !value.isEmpty()) {
      builder.setAttribute(key, value);
    }
  }

  private static String eventOf(Outcome outcome) {
    switch (outcome) {
      case RETRIED:
        return Messaging.RETRY_EVENT;
      case RETRY_TOPIC:
        return Messaging.RETRY_TOPIC_EVENT;
      case DEAD_LETTERED:
        return Messaging.DEAD_LETTER_EVENT;
      default:
        return null;
    }
  }

  private static void fail(Span span, Throwable failure) {
    String message = failure.getMessage();
    span.setStatus(
        StatusCode.ERROR, message != null ? message : failure.getClass().getSimpleName());
    span.setAttribute(Messaging.ERROR_TYPE, failure.getClass().getName());
    span.recordException(failure);
  }

  private static Throwable unwrap(Throwable failure) {
    Throwable cause = failure;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }

  /** A process span that waits for its delivery's outcome. */
  private static final class Processing {
    final Span span;
    final UUID eventId;
    final int attempt;

    Processing(Span span, Delivery delivery) {
      this.span = span;
      this.eventId = delivery.envelope().eventId();
      this.attempt = delivery.attempt();
    }

    boolean isOf(Delivery delivery) {
      return attempt == delivery.attempt() && eventId.equals(delivery.envelope().eventId());
    }
  }
}
