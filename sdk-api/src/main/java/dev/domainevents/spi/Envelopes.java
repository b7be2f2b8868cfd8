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

  private static final ThreadLocal<Scope> CURRENT = new ThreadLocal<>();

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
    return make(
        name, EventNames.aggregateType(name), aggregateId, payload, headers, 1, null);
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
        type.name(), type.aggregateType(), aggregateId, payload, headers, type.schemaVersion(),
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
    Scope scope = CURRENT.get();
    String correlationId;
    String causationId;
    if (scope == null) {
      correlationId = id.toString(); // a root event correlates to itself
      causationId = null;
    } else {
      correlationId = scope.correlationId;
      causationId = scope.causationId;
      if (scope.traceparent != null && !headers.containsKey(TRACEPARENT)) {
        Map<String, String> withTrace = new HashMap<>(headers);
        withTrace.put(TRACEPARENT, scope.traceparent);
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
   * Opens a scope whose envelopes carry {@code correlationId} (a new id when {@code null} or
   * blank) and, when not {@code null}, {@code traceparent}. {@link
   * dev.domainevents.EventScope#correlate} is the user's way to call this.
   */
  public static Scope correlate(String correlationId, String traceparent) {
    String id =
        correlationId == null || correlationId.isBlank()
            ? EventIds.next().toString()
            : correlationId;
    return new Scope(id, null, traceparent);
  }

  /**
   * Opens the scope in which {@code handled} is handled: envelopes made inside it are caused by
   * {@code handled} and share its correlation id and {@code traceparent}. Infrastructure opens it
   * around each handler call.
   */
  public static Scope handling(EventEnvelope handled) {
    Objects.requireNonNull(handled, "handled");
    return new Scope(
        handled.correlationId(), handled.eventId().toString(), handled.header(TRACEPARENT));
  }

  /**
   * One open scope on the scope stack of the thread that opened it. Scopes nest; closing one
   * restores the one it replaced. Close it on the thread that opened it, with try-with-resources.
   */
  public static final class Scope implements AutoCloseable {
    private final String correlationId;
    private final String causationId;
    private final String traceparent;
    private final Scope previous;
    private boolean closed;

    private Scope(String correlationId, String causationId, String traceparent) {
      this.correlationId = correlationId;
      this.causationId = causationId;
      this.traceparent = traceparent;
      this.previous = CURRENT.get();
      CURRENT.set(this);
    }

    /** The correlation id of envelopes made in this scope. */
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
}
