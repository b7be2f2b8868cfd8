package dev.domainevents.spi;

import dev.domainevents.EventEnvelope;
import dev.domainevents.EventType;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * The one factory of envelopes, and the thread's scope stack that fills them in. Every envelope the
 * SDK makes comes from here, whether an entity raised it ({@link #event}) or an infra sends a plain
 * topic message ({@link #message}): a new time-ordered id, the occurred-at time that id carries,
 * the correlation and causation ids and the W3C trace context ({@code traceparent}, {@code
 * tracestate}, {@code baggage}) of the innermost open {@link Scope} on this thread, and the schema
 * version.
 *
 * <p>Users open scopes with {@link dev.domainevents.EventScope#correlate}; infrastructure opens a
 * {@link #handling} scope around each handler call (see {@link DispatchTable}); a tracing
 * interceptor opens a {@link #trace} scope inside it, so that raised events carry its span.
 */
public final class Envelopes {
  /** The header that carries a W3C trace context; {@code EventScope.TRACEPARENT} for users. */
  public static final String TRACEPARENT = "traceparent";

  /** The header that carries W3C vendor trace state, beside {@link #TRACEPARENT}. */
  public static final String TRACESTATE = "tracestate";

  /** The header that carries W3C baggage. */
  public static final String BAGGAGE = "baggage";

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
    Scope scope = FRAMES.get().current();
    String correlationId;
    String causationId;
    if (scope == null) {
      correlationId = id.toString(); // a root event correlates to itself
      causationId = null;
    } else {
      correlationId = scope.correlationId();
      if (correlationId == null) {
        correlationId = id.toString(); // a trace scope outside any flow: a root event
      }
      causationId = scope.causationId();
      headers = withTrace(headers, scope);
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
   * Returns {@code headers} with the scope's trace context added. The caller's headers win: the
   * scope's {@code traceparent} (with its {@code tracestate}, which belongs to it) only when they
   * hold no {@code traceparent}, and its {@code baggage} only when they hold none.
   */
  private static Map<String, String> withTrace(Map<String, String> headers, Scope scope) {
    String traceparent = scope.traceparent();
    String baggage = scope.baggage;
    boolean addParent = traceparent != null && !headers.containsKey(TRACEPARENT);
    boolean addBaggage = baggage != null && !headers.containsKey(BAGGAGE);
    if (!addParent && !addBaggage) {
      return headers;
    }
    Map<String, String> withTrace = new HashMap<>(headers);
    if (addParent) {
      withTrace.put(TRACEPARENT, traceparent);
      if (scope.tracestate != null) {
        withTrace.put(TRACESTATE, scope.tracestate);
      } else {
        withTrace.remove(TRACESTATE); // a trace state of another trace would be wrong here
      }
    }
    if (addBaggage) {
      withTrace.put(BAGGAGE, baggage);
    }
    return withTrace;
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
    Scope scope = new Scope(FRAMES.get(), false);
    scope.correlationId = id;
    scope.setTrace(traceparent, null, null);
    scope.frames.push(scope);
    return scope;
  }

  /**
   * Opens a scope nested in the current one whose envelopes carry the W3C trace context {@code
   * traceHeaders} instead of the enclosing scope's, and the enclosing scope's correlation and
   * causation ids (none outside any scope: each envelope then correlates to itself). A tracing
   * interceptor opens it around the handlers, with the handler span's context, so that events they
   * raise continue the trace from that span. {@link dev.domainevents.EventScope#trace} is the
   * user's way to call this.
   *
   * @param traceHeaders {@code traceparent}, and optionally {@code tracestate} and {@code baggage};
   *     an empty map opens a scope without trace context
   * @throws IllegalArgumentException for any other key, or a {@code tracestate} without a {@code
   *     traceparent}
   */
  public static Scope trace(Map<String, String> traceHeaders) {
    Objects.requireNonNull(traceHeaders, "traceHeaders");
    String traceparent = null;
    String tracestate = null;
    String baggage = null;
    for (Map.Entry<String, String> header : traceHeaders.entrySet()) {
      String key = header.getKey();
      String value = Objects.requireNonNull(header.getValue(), key);
      if (TRACEPARENT.equals(key)) {
        traceparent = value;
      } else if (TRACESTATE.equals(key)) {
        tracestate = value;
      } else if (BAGGAGE.equals(key)) {
        baggage = value;
      } else {
        throw new IllegalArgumentException(
            "\""
                + key
                + "\" is not a trace header; a trace scope takes traceparent, tracestate and"
                + " baggage only");
      }
    }
    if (tracestate != null && traceparent == null) {
      throw new IllegalArgumentException("a tracestate needs the traceparent it belongs to");
    }
    Frames frames = FRAMES.get();
    Scope scope = new Scope(frames, false);
    scope.enclosing = frames.current();
    scope.setTrace(traceparent, tracestate, baggage);
    frames.push(scope);
    return scope;
  }

  /**
   * Opens the scope in which {@code handled} is handled: envelopes made inside it are caused by
   * {@code handled} and share its correlation id and trace context ({@code traceparent}, {@code
   * tracestate}, {@code baggage}). Infrastructure opens it around each handler call.
   */
  public static Scope handling(EventEnvelope handled) {
    Objects.requireNonNull(handled, "handled");
    Scope scope = new Scope(FRAMES.get(), false);
    scope.handled = handled;
    scope.frames.push(scope);
    return scope;
  }

  /** This thread's scope stack, for {@link DispatchTable}, which keeps its own thread's at hand. */
  static Frames frames() {
    return FRAMES.get();
  }

  /**
   * {@link #handling}, for {@link DispatchTable} alone: {@code frames} keeps one handling scope per
   * depth for reuse, so dispatching allocates nothing once a thread has dispatched. Nobody else
   * sees the scope, so reusing it cannot confuse a holder.
   *
   * @param frames the calling thread's scope stack, from {@link #frames}
   */
  static Scope beginHandling(Frames frames, EventEnvelope handled) {
    int depth = frames.depth;
    Scope[] open = frames.open;
    if (depth < open.length) {
      Scope scope = open[depth];
      if (scope != null && scope.reusable) {
        // The common case: this depth's scope is in its slot, closed; reopening it writes no slot.
        scope.handled = handled;
        scope.traceRead = false;
        frames.depth = depth + 1;
        return scope;
      }
    }
    return beginNewHandling(frames, handled);
  }

  /**
   * This depth has no reusable scope yet, or a user scope opened here since took its slot: the
   * path's only allocation. A reusable scope stays at its depth for good.
   */
  private static Scope beginNewHandling(Frames frames, EventEnvelope handled) {
    Scope scope = new Scope(frames, true);
    scope.handled = handled;
    frames.push(scope);
    return scope;
  }

  /** Closes a scope of {@link #beginHandling} and keeps it for the thread's next event. */
  static void endHandling(Scope scope) {
    // On the opening thread by construction (dispatch is synchronous): only the order is checked.
    scope.restore();
    scope.handled = null;
    if (scope.causationId != null) {
      scope.causationId = null;
    }
    if (scope.traceRead) {
      scope.traceparent = null;
      scope.tracestate = null;
      scope.baggage = null;
    }
  }

  /**
   * One thread's scope stack: {@code open[0..depth)} are the open scopes, innermost last. A slot at
   * or above {@code depth} may hold a closed handling scope that {@link #beginHandling} reuses, so
   * that a handled event costs no reference store into the stack, only the depth.
   */
  static final class Frames {
    private Scope[] open = new Scope[4];
    private int depth;

    /** The innermost open scope, or {@code null}. */
    private Scope current() {
      int depth = this.depth;
      return depth == 0 ? null : open[depth - 1];
    }

    private void push(Scope scope) {
      int depth = this.depth;
      if (depth == open.length) {
        open = Arrays.copyOf(open, depth * 2);
      }
      if (open[depth] != scope) {
        open[depth] = scope;
      }
      scope.depth = depth;
      this.depth = depth + 1;
    }
  }

  /**
   * One open scope on the scope stack of the thread that opened it. Scopes nest; closing one
   * restores the one it replaced. Close it on the thread that opened it, with try-with-resources.
   */
  public static final class Scope implements AutoCloseable {
    private final Frames frames;
    // A scope of beginHandling: closed, it stays in its slot of the stack for the next event.
    private final boolean reusable;
    // Where it sits on the stack while open.
    private int depth;
    // A handling scope reads its ids from the handled envelope only when an envelope is made in
    // it: most handlers raise nothing, and the causation id's text costs a UUID.toString.
    private EventEnvelope handled;
    // A trace scope takes its ids from the scope it is nested in, which outlives it.
    private Scope enclosing;
    private String correlationId;
    private String causationId;
    private String traceparent;
    private String tracestate;
    private String baggage;
    private boolean traceRead;
    private boolean closed;

    private Scope(Frames frames, boolean reusable) {
      this.frames = frames;
      this.reusable = reusable;
    }

    private void setTrace(String traceparent, String tracestate, String baggage) {
      this.traceparent = traceparent;
      this.tracestate = tracestate;
      this.baggage = baggage;
      this.traceRead = true;
    }

    /**
     * The correlation id of envelopes made in this scope, or {@code null} in a trace scope outside
     * any other scope, where each envelope correlates to itself.
     */
    public String correlationId() {
      if (enclosing != null) {
        return enclosing.correlationId();
      }
      return handled != null ? handled.correlationId() : correlationId;
    }

    /** The id of the event being handled, or {@code null} outside a handler. */
    public String causationId() {
      if (enclosing != null) {
        return enclosing.causationId();
      }
      if (causationId == null && handled != null) {
        causationId = handled.eventId().toString();
      }
      return causationId;
    }

    /** The W3C trace context of this scope, or {@code null}. */
    public String traceparent() {
      if (!traceRead) {
        // A handling scope passes the handled event's trace context on, as it came.
        traceparent = handled.header(TRACEPARENT);
        tracestate = traceparent == null ? null : handled.header(TRACESTATE);
        baggage = handled.header(BAGGAGE);
        traceRead = true;
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
      closed = true;
      frames.open[depth] = null; // not reusable: let it go
    }

    private void restore() {
      Frames frames = this.frames;
      int depth = this.depth;
      if (frames.depth != depth + 1 || frames.open[depth] != this) {
        throw outOfOrder();
      }
      frames.depth = depth;
    }

    private static IllegalStateException outOfOrder() {
      return new IllegalStateException(
          "EventScope closed out of order or on another thread; close scopes in reverse order of"
              + " opening, with try-with-resources");
    }
  }
}
