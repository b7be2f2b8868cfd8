package dev.domainevents;

import java.util.Objects;

/**
 * The context in which events are raised on the current thread: the correlation id of the
 * request or flow, the id of the event being handled (which becomes the causation id), and an
 * optional W3C {@code traceparent}.
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
 * <p>The runtime opens a {@link #handling handling} scope around every handler call, so an event
 * raised by a handler gets the handled event's id as its causation id and the same correlation
 * id. Scopes nest; closing one restores the one it replaced. A scope belongs to the thread that
 * opened it and must be closed on that thread.
 */
public final class EventScope implements AutoCloseable {
  /** The header that carries a W3C trace context. */
  public static final String TRACEPARENT = "traceparent";

  private static final ThreadLocal<EventScope> CURRENT = new ThreadLocal<>();

  private final String correlationId;
  private final String causationId;
  private final String traceparent;
  private final EventScope previous;
  private boolean closed;

  private EventScope(String correlationId, String causationId, String traceparent) {
    this.correlationId = correlationId;
    this.causationId = causationId;
    this.traceparent = traceparent;
    this.previous = CURRENT.get();
    CURRENT.set(this);
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
    String id =
        correlationId == null || correlationId.isBlank()
            ? EventIds.next().toString()
            : correlationId;
    return new EventScope(id, null, traceparent);
  }

  /**
   * Opens the scope in which {@code handled} is handled: events raised inside it are caused by
   * {@code handled} and share its correlation id and trace context. Infrastructure calls this
   * around each handler call; see {@link dev.domainevents.spi.DispatchTable}.
   */
  public static EventScope handling(EventEnvelope handled) {
    Objects.requireNonNull(handled, "handled");
    return new EventScope(
        handled.correlationId(), handled.eventId().toString(), handled.header(TRACEPARENT));
  }

  /** Returns the innermost open scope on this thread, or {@code null} if there is none. */
  public static EventScope current() {
    return CURRENT.get();
  }

  /** The correlation id of events raised in this scope. */
  public String correlationId() {
    return correlationId;
  }

  /** The id of the event being handled, or {@code null} outside a handler. */
  public String causationId() {
    return causationId;
  }

  /** The W3C trace context of this scope, or {@code null}. */
  public String traceparent() {
    return traceparent;
  }

  /** Restores the scope this one replaced. Closing twice has no further effect. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    if (CURRENT.get() != this) {
      throw new IllegalStateException(
          "EventScope closed out of order or on another thread; close scopes in reverse order of"
              + " opening, with try-with-resources");
    }
    closed = true;
    if (previous == null) {
      CURRENT.remove();
    } else {
      CURRENT.set(previous);
    }
  }
}
