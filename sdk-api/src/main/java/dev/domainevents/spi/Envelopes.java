package dev.domainevents.spi;

import dev.domainevents.EventEnvelope;
import dev.domainevents.EventType;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * The one factory of envelopes, and the thread's scope stack that fills them in. Every envelope the
 * SDK makes comes from here, whether an entity raised it ({@link #event}) or an infra sends a plain
 * topic message ({@link #message}): a new time-ordered id, the occurred-at time that id carries,
 * the correlation and causation ids and the {@code traceparent} of the innermost open {@link Scope}
 * on this thread, and the schema version.
 *
 * <p>Users open scopes with {@link dev.domainevents.EventScope#correlate}; infrastructure opens a
 * {@link #handling} scope around each handler call (see {@link DispatchTable}).
 */
public final class Envelopes {
  /** The header that carries a W3C trace context; {@code EventScope.TRACEPARENT} for users. */
  public static final String TRACEPARENT = "traceparent";

  /** Each thread's scope stack; kept for the thread's life, so opening a scope sets no entry. */
  private static final ThreadLocal<Frames> FRAMES = ThreadLocal.withInitial(Frames::new);

  private Envelopes() {}

  /**
   * Returns the envelope of the event {@code name} raised by the aggregate {@code aggregateId},
   * with schema version 1. The catalog's version is applied when the event is drained; see {@link
   * dev.domainevents.EventBatch}.
   *
   * @throws IllegalArgumentException if {@code name} is not a legal event name ({@link EventNames})
   */
  public static EventEnvelope event(
      String name, String aggregateId, Object payload, Map<String, String> headers) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(aggregateId, "aggregateId");
    return make(name, EventNames.aggregateType(name), aggregateId, payload, headers, 1, null);
  }

  /**
   * Returns the envelope of an event of {@code type}, e.g. a generated constant, raised by the
   * aggregate {@code aggregateId}. The envelope keeps {@code type} ({@link EventEnvelope#type()}),
   * so infrastructure need not look the name up again.
   */
  public static <T> EventEnvelope event(
      EventType<T> type, String aggregateId, T payload, Map<String, String> headers) {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(aggregateId, "aggregateId");
    return make(
        type.name(),
        type.aggregateType(),
        aggregateId,
        payload,
        headers,
        type.schemaVersion(),
        type);
  }

  /**
   * Returns the envelope of a plain message to {@code topic}: its name is the topic, its aggregate
   * type is empty, its schema version 1.
   *
   * @param key the record key, or {@code null} for none
   * @throws IllegalArgumentException if {@code topic} is not a legal topic name ({@link Topics})
   */
  public static EventEnvelope message(
      String topic, String key, Object payload, Map<String, String> headers) {
    Objects.requireNonNull(topic, "topic");
    String problem = Topics.problemWith(topic);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    return make(topic, "", key, payload, headers, 1, null);
  }

  private static EventEnvelope make(
      String name,
      String aggregateType,
      String aggregateId,
      Object payload,
      Map<String, String> headers,
      int version,
      EventType<?> type) {
    Objects.requireNonNull(payload, "payload");
    Objects.requireNonNull(headers, "headers");
    UUID id = EventIds.next();
    Scope scope = FRAMES.get().current;
    String correlationId;
    String causationId;
    if (scope == null) {
      correlationId = id.toString(); // a root event correlates to itself
      causationId = null;
    } else {
      correlationId = scope.correlationId();
      causationId = scope.causationId();
      String traceparent = scope.traceparent();
      if (traceparent != null && !headers.containsKey(TRACEPARENT)) {
        Map<String, String> withTrace = new HashMap<>(headers);
        withTrace.put(TRACEPARENT, traceparent);
        headers = withTrace;
      }
    }
    return new EventEnvelope(
        id,
        name,
        aggregateType,
        aggregateId,
        payload,
        headers,
        Instant.ofEpochMilli(EventIds.timestampMillis(id)),
        correlationId,
        causationId,
        version,
        type);
  }

  /**
   * Opens a scope whose envelopes carry {@code correlationId} (a new id when {@code null} or blank)
   * and, when not {@code null}, {@code traceparent}. {@link dev.domainevents.EventScope#correlate}
   * is the user's way to call this.
   */
  public static Scope correlate(String correlationId, String traceparent) {
    String id =
        correlationId == null || correlationId.isBlank()
            ? EventIds.next().toString()
            : correlationId;
    Scope scope = new Scope(FRAMES.get());
    scope.open(id, null, traceparent, null);
    return scope;
  }

  /**
   * Opens the scope in which {@code handled} is handled: envelopes made inside it are caused by
   * {@code handled} and share its correlation id and {@code traceparent}. Infrastructure opens it
   * around each handler call.
   */
  public static Scope handling(EventEnvelope handled) {
    Objects.requireNonNull(handled, "handled");
    Scope scope = new Scope(FRAMES.get());
    scope.open(null, null, null, handled);
    return scope;
  }

  /**
   * {@link #handling}, for {@link DispatchTable} alone: the scope comes from the thread's spares
   * and goes back there on {@link #endHandling}, so dispatching allocates nothing once a thread has
   * dispatched. Nobody else sees the scope, so reusing it cannot confuse a holder.
   */
  static Scope beginHandling(EventEnvelope handled) {
    Frames frames = FRAMES.get();
    Scope scope = frames.spare;
    if (scope == null) {
      scope = new Scope(frames);
    } else {
      frames.spare = scope.nextSpare;
      scope.nextSpare = null;
    }
    scope.open(null, null, null, handled);
    return scope;
  }

  /** Closes a scope of {@link #beginHandling} and keeps it for the thread's next event. */
  static void endHandling(Scope scope) {
    // On the opening thread by construction (dispatch is synchronous): only the order is checked.
    scope.restore();
    scope.handled = null;
    scope.causationId = null;
    scope.traceparent = null;
    Frames frames = scope.frames;
    scope.nextSpare = frames.spare;
    frames.spare = scope;
  }

  /** One thread's innermost open scope, and its closed handling scopes kept for reuse. */
  private static final class Frames {
    Scope current;
    Scope spare;
  }

  /**
   * One open scope on the scope stack of the thread that opened it. Scopes nest; closing one
   * restores the one it replaced. Close it on the thread that opened it, with try-with-resources.
   */
  public static final class Scope implements AutoCloseable {
    private final Frames frames;
    // A handling scope reads its ids from the handled envelope only when an envelope is made in
    // it: most handlers raise nothing, and the causation id's text costs a UUID.toString.
    private EventEnvelope handled;
    private String correlationId;
    private String causationId;
    private String traceparent;
    private boolean traceparentRead;
    private Scope previous;
    private Scope nextSpare;
    private boolean closed;

    private Scope(Frames frames) {
      this.frames = frames;
    }

    private void open(
        String correlationId, String causationId, String traceparent, EventEnvelope handled) {
      this.handled = handled;
      this.correlationId = handled == null ? correlationId : handled.correlationId();
      this.causationId = causationId;
      this.traceparent = traceparent;
      this.traceparentRead = handled == null;
      this.closed = false;
      this.previous = frames.current;
      frames.current = this;
    }

    /** The correlation id of envelopes made in this scope. */
    public String correlationId() {
      return correlationId;
    }

    /** The id of the event being handled, or {@code null} outside a handler. */
    public String causationId() {
      if (causationId == null && handled != null) {
        causationId = handled.eventId().toString();
      }
      return causationId;
    }

    /** The W3C trace context of this scope, or {@code null}. */
    public String traceparent() {
      if (!traceparentRead) {
        traceparent = handled.header(TRACEPARENT);
        traceparentRead = true;
      }
      return traceparent;
    }

    /**
     * Restores the scope this one replaced. Closing twice has no further effect.
     *
     * @throws IllegalStateException if a scope opened later is still open, or on another thread
     */
    @Override
    public void close() {
      if (closed) {
        return;
      }
      if (FRAMES.get() != frames) {
        throw outOfOrder();
      }
      restore();
    }

    private void restore() {
      if (frames.current != this) {
        throw outOfOrder();
      }
      closed = true;
      frames.current = previous;
      previous = null;
    }

    private static IllegalStateException outOfOrder() {
      return new IllegalStateException(
          "EventScope closed out of order or on another thread; close scopes in reverse order of"
              + " opening, with try-with-resources");
    }
  }
}
