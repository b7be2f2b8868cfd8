package dev.domainevents.test;

import dev.domainevents.EventEnvelope;
import dev.domainevents.EventType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Assertions on a list of events, raised by an entity or published to an infra, typed through the
 * generated constants:
 *
 * <pre>{@code
 * DomainEventAssertions.assertThat(goods)
 *     .raised(GoodsEvents.SHOPPING)
 *     .withPayload(p -> assertEquals(2, p.amount()))
 *     .withHeader("x-action", "buy");
 * }</pre>
 *
 * <p>Failures throw {@link AssertionError} with every recorded event listed, so a failing test says
 * what did happen.
 */
public final class RecordedEvents {
  private final String source;
  private final List<EventEnvelope> events;

  RecordedEvents(String source, List<EventEnvelope> events) {
    this.source = source;
    this.events = List.copyOf(events);
  }

  /** The recorded events, in order. */
  public List<EventEnvelope> events() {
    return events;
  }

  /**
   * Asserts that exactly one event of {@code type} was recorded, and returns it for further checks.
   * Use {@link #raised(EventType, int)} when several are expected.
   */
  public <T> Event<T> raised(EventType<T> type) {
    List<Event<T>> matching = all(type);
    if (matching.size() != 1) {
      throw failure("expected exactly one " + type.name() + " but found " + matching.size());
    }
    return matching.get(0);
  }

  /** Asserts that exactly {@code count} events of {@code type} were recorded; returns them. */
  public <T> List<Event<T>> raised(EventType<T> type, int count) {
    List<Event<T>> matching = all(type);
    if (matching.size() != count) {
      throw failure("expected " + count + " x " + type.name() + " but found " + matching.size());
    }
    return matching;
  }

  /** Asserts that no event of {@code type} was recorded. */
  public RecordedEvents didNotRaise(EventType<?> type) {
    if (!all(type).isEmpty()) {
      throw failure("expected no " + type.name());
    }
    return this;
  }

  /** Asserts that nothing at all was recorded. */
  public RecordedEvents raisedNothing() {
    if (!events.isEmpty()) {
      throw failure("expected no events");
    }
    return this;
  }

  /** Asserts that exactly these event types were recorded, in this order, and no others. */
  public RecordedEvents raisedExactly(EventType<?>... types) {
    List<String> expected = new ArrayList<>(types.length);
    for (EventType<?> type : types) {
      expected.add(type.name());
    }
    List<String> actual = events.stream().map(EventEnvelope::name).toList();
    if (!expected.equals(actual)) {
      throw failure("expected exactly " + expected + " in this order");
    }
    return this;
  }

  private <T> List<Event<T>> all(EventType<T> type) {
    Objects.requireNonNull(type, "type");
    List<Event<T>> matching = new ArrayList<>();
    for (EventEnvelope envelope : events) {
      if (envelope.name().equals(type.name())) {
        matching.add(new Event<>(type, envelope));
      }
    }
    return matching;
  }

  private AssertionError failure(String expectation) {
    return new AssertionError(expectation + "; " + source + " " + describe(events));
  }

  static String describe(List<EventEnvelope> events) {
    if (events.isEmpty()) {
      return "recorded no events";
    }
    return events.stream()
        .map(e -> "  " + e.name() + " " + e.payload() + " " + e.headers())
        .collect(Collectors.joining("\n", "recorded:\n", ""));
  }

  /** One recorded event, with its payload typed by the constant it was found with. */
  public static final class Event<T> {
    private final EventType<T> type;
    private final EventEnvelope envelope;

    Event(EventType<T> type, EventEnvelope envelope) {
      this.type = type;
      this.envelope = envelope;
    }

    /** The event's envelope. */
    public EventEnvelope envelope() {
      return envelope;
    }

    /** The event's payload, checked to be of the registered type. */
    public T payload() {
      Object payload = envelope.payload();
      if (!type.payloadType().isInstance(payload)) {
        throw new AssertionError(
            type.name()
                + " should carry "
                + type.payloadType().getName()
                + " but carries "
                + payload.getClass().getName());
      }
      return type.payloadType().cast(payload);
    }

    /** Runs {@code check} on the payload; put your assertions in it. */
    public Event<T> withPayload(Consumer<? super T> check) {
      check.accept(payload());
      return this;
    }

    /** Asserts that the payload equals {@code expected}. */
    public Event<T> withPayload(T expected) {
      if (!Objects.equals(expected, payload())) {
        throw new AssertionError(
            type.name() + " payload: expected " + expected + " but was " + payload());
      }
      return this;
    }

    /** Asserts that the header {@code key} has {@code value}. */
    public Event<T> withHeader(String key, String value) {
      if (!Objects.equals(value, envelope.header(key))) {
        throw new AssertionError(
            type.name()
                + " header "
                + key
                + ": expected "
                + value
                + " but headers are "
                + envelope.headers());
      }
      return this;
    }

    /** Asserts that the headers are exactly {@code expected}. */
    public Event<T> withHeaders(Map<String, String> expected) {
      if (!expected.equals(envelope.headers())) {
        throw new AssertionError(
            type.name() + " headers: expected " + expected + " but were " + envelope.headers());
      }
      return this;
    }

    /** Asserts the aggregate id, e.g. the entity's identity. */
    public Event<T> withAggregateId(String aggregateId) {
      if (!Objects.equals(aggregateId, envelope.aggregateId())) {
        throw new AssertionError(
            type.name()
                + " aggregate id: expected "
                + aggregateId
                + " but was "
                + envelope.aggregateId());
      }
      return this;
    }
  }
}
