package dev.domainevents;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Observes and wraps publishing and handling: metrics, traces, an access log, a tenant check.
 * Register interceptors once, at install, with {@link EventInterceptors}:
 *
 * <pre>{@code
 * DomainEvents.install(
 *     infra, EventInterceptors.builder().add(new AccessLog()).build(), new StoreController());
 * }</pre>
 *
 * <p>Every method has a default that only proceeds, so an interceptor overrides what it needs. The
 * first registered interceptor is the outermost. An interceptor that throws (or returns {@code
 * null}) is reported and skipped: the event goes on to the next interceptor, the infra, or the
 * handler. A handler's failure reaches the infra even if an interceptor catches it. An interceptor
 * that means to stop an event (a tenant check, say) does so by not calling {@code next}: a publish
 * interceptor returns a failed future, which fails the publish; a handle interceptor returns
 * without calling it, and the delivery counts as handled without its handlers.
 */
public interface EventInterceptor {
  /**
   * Wraps the publishing of one batch, as passed to {@link DomainEvents#publish} or flushed by a
   * {@link UnitOfWork}, on the publishing thread. Call {@code next} exactly once.
   *
   * @param system the infra that publishes, e.g. {@code kafka}
   */
  default CompletableFuture<Void> publishBatch(
      List<EventEnvelope> batch, String system, BatchStep next) {
    return next.publish(batch);
  }

  /**
   * Wraps the sending of one event of a batch. {@code next} sends the envelope it is given, which
   * may be {@code publication.envelope()} with headers added (a trace context, say); its future
   * completes when the infra has durably accepted the event. Call {@code next} exactly once.
   */
  default CompletableFuture<Void> publish(Publication publication, PublishStep next) {
    return next.publish(publication.envelope());
  }

  /**
   * Wraps the handling of one delivered event, on the consumer's thread, once per attempt. {@code
   * next} calls the handlers; what they throw propagates. Call {@code next} exactly once.
   */
  default void handle(Delivery delivery, HandleStep next) throws Exception {
    next.handle();
  }

  /**
   * Wraps one call of a batch handler, on the consumer's thread: {@code deliveries} are the records
   * it receives, in order. {@code next} calls the batch handler; what it throws propagates, and the
   * infra then handles each record on its own, through {@link #handle}. The default only proceeds:
   * the log context, for one, has no single event to show for a batch. Call {@code next} exactly
   * once.
   */
  default void handleBatch(List<? extends Delivery> deliveries, HandleStep next) throws Exception {
    next.handle();
  }

  /**
   * Tells what became of a delivery: handled, retried, sent to the retry or dead-letter
   * destination, skipped or a duplicate. Called once per attempt that reaches an outcome, after
   * {@link #handle}, and for deliveries that never reach a handler (skips, duplicates, poison).
   *
   * @param cause what the handler or the decoder threw, or {@code null}
   * @param durationNanos how long the handlers ran, 0 when they did not run
   */
  default void onOutcome(Delivery delivery, Outcome outcome, Throwable cause, long durationNanos) {}

  /** What became of a delivery. */
  enum Outcome {
    /** The handlers returned; the delivery is done. */
    HANDLED,
    /** A handler threw and the delivery is retried in place. */
    RETRIED,
    /** A handler kept failing and the delivery moved to the retry destination. */
    RETRY_TOPIC,
    /** The delivery went to the dead-letter destination: it failed for good, or is poison. */
    DEAD_LETTERED,
    /** No handler takes the event (or its version), and the delivery was skipped. */
    SKIPPED,
    /** The dedupe store had seen the event id; the handlers were not called again. */
    DUPLICATE
  }

  /**
   * One event on its way out.
   *
   * @param envelope the event
   * @param system the infra that sends it, e.g. {@code kafka}, {@code amqp}, {@code memory}
   * @param destination where it goes: the Kafka topic, the AMQP exchange, the outbox table
   */
  record Publication(EventEnvelope envelope, String system, String destination) {}

  /** The rest of the chain around the publishing of a batch. */
  @FunctionalInterface
  interface BatchStep {
    /** Publishes {@code batch} through the remaining interceptors and the infra. */
    CompletableFuture<Void> publish(List<EventEnvelope> batch);
  }

  /** The rest of the chain around the sending of one event. */
  @FunctionalInterface
  interface PublishStep {
    /** Sends {@code envelope} through the remaining interceptors and the infra. */
    CompletableFuture<Void> publish(EventEnvelope envelope);
  }

  /** The rest of the chain around the handling of one delivery. */
  @FunctionalInterface
  interface HandleStep {
    /** Calls the remaining interceptors and then the handlers. */
    void handle() throws Exception;
  }
}
