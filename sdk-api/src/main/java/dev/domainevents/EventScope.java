package dev.domainevents;

import dev.domainevents.spi.Envelopes;
import java.util.Map;

/**
 * The context in which events are raised on the current thread: the correlation id of the request
 * or flow, the id of the event being handled (which becomes the causation id), and an optional W3C
 * trace context ({@code traceparent}, {@code tracestate}, {@code baggage}).
 *
 * <p>Open a scope where a flow begins, e.g. at the start of an HTTP request, and close it where it
 * ends; every event raised in between carries its correlation id:
 *
 * <pre>{@code
 * try (EventScope scope = EventScope.correlate(request.header("X-Request-Id"))) {
 *   goods.shopping(amount);
 *   DomainEvents.publish(goods);
 * }
 * }</pre>
 *
 * <p>The runtime opens a handling scope around every handler call, so an event raised by a handler
 * gets the handled event's id as its causation id, the same correlation id and, unless a tracing
 * interceptor opened a {@link #trace} scope with its own span, the same trace context. Scopes nest;
 * closing one restores the one it replaced. A scope belongs to the thread that opened it and must
 * be closed on that thread.
 */
public final class EventScope implements AutoCloseable {
  /** The header that carries a W3C trace context. */
  public static final String TRACEPARENT = Envelopes.TRACEPARENT;

  /** The header that carries W3C vendor trace state, beside {@link #TRACEPARENT}. */
  public static final String TRACESTATE = Envelopes.TRACESTATE;

  /** The header that carries W3C baggage. */
  public static final String BAGGAGE = Envelopes.BAGGAGE;

  private final Envelopes.Scope scope;

  private EventScope(Envelopes.Scope scope) {
    this.scope = scope;
  }

  /**
   * Opens a scope whose events carry {@code correlationId}. A {@code null} or blank id generates a
   * new one.
   */
  public static EventScope correlate(String correlationId) {
    return correlate(correlationId, null);
  }

  /**
   * Opens a scope whose events carry {@code correlationId} and, when not {@code null}, the W3C
   * {@code traceparent} header.
   */
  public static EventScope correlate(String correlationId, String traceparent) {
    return new EventScope(Envelopes.correlate(correlationId, traceparent));
  }

  /**
   * Opens a scope nested in the current one whose events carry the W3C trace context {@code
   * traceHeaders} instead of the current scope's, and keep its correlation and causation ids. A
   * tracing interceptor opens one around the handlers with the handler span's context, so that an
   * event raised in a handler continues the trace from that span:
   *
   * <pre>{@code
   * try (EventScope scope = EventScope.trace(Map.of(EventScope.TRACEPARENT, traceparent))) {
   *   next.handle();
   * }
   * }</pre>
   *
   * @param traceHeaders {@link #TRACEPARENT}, and optionally {@link #TRACESTATE} and {@link
   *     #BAGGAGE}; an empty map opens a scope whose events carry no trace context
   * @throws IllegalArgumentException for any other key, or a {@code tracestate} without a {@code
   *     traceparent}
   */
  public static EventScope trace(Map<String, String> traceHeaders) {
    return new EventScope(Envelopes.trace(traceHeaders));
  }

  /**
   * The correlation id of events raised in this scope, or {@code null} in a {@link #trace} scope
   * opened outside any other, where each event correlates to itself.
   */
  public String correlationId() {
    return scope.correlationId();
  }

  /** The id of the event being handled, or {@code null} outside a handler. */
  public String causationId() {
    return scope.causationId();
  }

  /** The W3C trace context of this scope, or {@code null}. */
  public String traceparent() {
    return scope.traceparent();
  }

  /**
   * Restores the scope this one replaced. Closing twice has no further effect.
   *
   * @throws IllegalStateException if a scope opened later is still open, or on another thread
   */
  @Override
  public void close() {
    scope.close();
  }
}
