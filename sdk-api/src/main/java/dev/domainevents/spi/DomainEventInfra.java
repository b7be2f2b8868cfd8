package dev.domainevents.spi;

import dev.domainevents.EventEnvelope;
import dev.domainevents.EventInterceptors;
import dev.domainevents.InfraHealth;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Infrastructure that ships events and delivers them to handlers: Kafka, the in-memory infra, or
 * your own. Exactly one is installed per application, with {@link
 * dev.domainevents.DomainEvents#install}, which calls {@link #subscribe} for each handler, then
 * {@link #start} once.
 */
public interface DomainEventInfra extends AutoCloseable {
  /** Adds a dispatcher whose events this infra must deliver. Called before {@link #start}. */
  void subscribe(EventDispatcher dispatcher);

  /** Starts publishing and delivering, with the catalog of known events. Called once. */
  void start(EventCatalog catalog);

  /**
   * Starts publishing and delivering, with the catalog of known events, running {@code
   * interceptors} around every publish and every handling. Called once, instead of {@link
   * #start(EventCatalog)}. An infra that cannot run interceptors keeps this default, which accepts
   * only none or the defaults and fails loudly otherwise.
   *
   * @throws UnsupportedOperationException if {@code interceptors} holds more than the defaults
   */
  default void start(EventCatalog catalog, EventInterceptors interceptors) {
    if (!interceptors.isEmpty() && interceptors != EventInterceptors.defaults()) {
      throw new UnsupportedOperationException(
          getClass().getName() + " does not run interceptors; install it without them");
    }
    start(catalog);
  }

  /**
   * Publishes a batch of envelopes, in order. The future completes when every envelope is durably
   * accepted (for Kafka: acknowledged by the broker), or exceptionally if any is not. An infra
   * never drops an envelope silently.
   */
  CompletableFuture<Void> publish(List<EventEnvelope> events);

  /**
   * Whether {@link #publish} now takes envelopes whose payload is an {@link EncodedPayload} that
   * {@code codec} wrote, and ships those bytes as they are, through {@link
   * EncodedPayload#encode(PayloadCodec, Object)} where it would encode a payload object. An outbox
   * relay asks before each batch with the outbox's codec, and decodes stored payloads when the
   * answer is no. Answer yes only when this infra writes payloads with {@code codec} (or one equal
   * to it), and only while nothing between {@code publish} and the encoder (an interceptor, a
   * handler of an in-process infra) would see the payload. The default is no.
   */
  default boolean shipsEncodedPayloads(PayloadCodec codec) {
    return false;
  }

  /**
   * Returns a snapshot of this infra's health. The default reports nothing beyond being installed;
   * infra with consumers reports each one's state, partitions and lag.
   */
  default InfraHealth health() {
    return InfraHealth.unreported(getClass().getSimpleName());
  }

  /**
   * Pauses delivery to the handlers of {@code handlerClass}, or to every handler when it is {@code
   * null}, until {@link #resume}. Records stay in the broker; nothing is lost or committed.
   *
   * @throws UnsupportedOperationException if this infra cannot pause
   */
  default void pause(Class<?> handlerClass) {
    throw new UnsupportedOperationException(getClass().getName() + " cannot pause consumption");
  }

  /**
   * Resumes what {@link #pause} paused.
   *
   * @throws UnsupportedOperationException if this infra cannot pause
   */
  default void resume(Class<?> handlerClass) {
    throw new UnsupportedOperationException(getClass().getName() + " cannot pause consumption");
  }

  /** Stops publishing and delivering, and releases resources. Must not throw checked exceptions. */
  @Override
  void close();
}
