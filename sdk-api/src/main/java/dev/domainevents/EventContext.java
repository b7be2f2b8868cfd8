package dev.domainevents;

import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * What a handler may know about the event it handles, beyond the payload: the envelope's ids and
 * headers, and which delivery attempt this is. Declare it as a handler's second parameter.
 */
public interface EventContext {
  /** The envelope being handled. */
  EventEnvelope envelope();

  /** The delivery attempt, starting at 1; infra that retries counts up. */
  default int attempt() {
    return 1;
  }

  /** The event's id. */
  default UUID eventId() {
    return envelope().eventId();
  }

  /** The event's name, or the topic of a plain message. */
  default String name() {
    return envelope().name();
  }

  /** The correlation id of the flow the event belongs to. */
  default String correlationId() {
    return envelope().correlationId();
  }

  /** The id of the event that caused this one, or {@code null}. */
  default String causationId() {
    return envelope().causationId();
  }

  /** The user's headers. */
  default Map<String, String> headers() {
    return envelope().headers();
  }

  /** One header's value, or {@code null}. */
  default String header(String key) {
    return envelope().header(key);
  }

  /** Returns a context for a first delivery of {@code envelope}: the envelope itself. */
  static EventContext of(EventEnvelope envelope) {
    return of(envelope, 1);
  }

  /** Returns a context for the given delivery attempt of {@code envelope}. */
  static EventContext of(EventEnvelope envelope, int attempt) {
    Objects.requireNonNull(envelope, "envelope");
    if (attempt < 1) {
      throw new IllegalArgumentException("attempt must be >= 1, was " + attempt);
    }
    // A first delivery's context is the envelope itself: the consume path allocates nothing.
    return attempt == 1 ? envelope : new SimpleEventContext(envelope, attempt);
  }
}
