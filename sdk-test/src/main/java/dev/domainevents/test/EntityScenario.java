package dev.domainevents.test;

import dev.domainevents.Entity;
import dev.domainevents.EventEnvelope;
import dev.domainevents.EventType;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A given/when/then test of one entity: given its state, when a business method runs, expect these
 * events, in this order, and no others. Events raised while building the "given" state are
 * discarded, so only the "when" step's events count.
 *
 * <pre>{@code
 * EntityScenario.given(new Goods(new GoodsObj(1, 100)))
 *     .when(goods -> goods.shopping(2))
 *     .expect(GoodsEvents.SHOPPING, p -> assertEquals(2, p.amount()))
 *     .andNothingElse();
 * }</pre>
 */
public final class EntityScenario {
  private EntityScenario() {}

  /** Starts a scenario; events the entity already raised are discarded. */
  public static <E extends Entity> Given<E> given(E entity) {
    Objects.requireNonNull(entity, "entity");
    return new Given<>(entity, entity.pendingEvents().size());
  }

  /** The "given" step. */
  public static final class Given<E extends Entity> {
    private final E entity;
    private final int ignored;

    Given(E entity, int ignored) {
      this.entity = entity;
      this.ignored = ignored;
    }

    /** Runs the business method under test. */
    public Then when(Consumer<? super E> action) {
      Objects.requireNonNull(action, "action");
      action.accept(entity);
      List<EventEnvelope> pending = entity.pendingEvents();
      return new Then(new ArrayList<>(pending.subList(ignored, pending.size())));
    }

    /** Runs the business method under test and expects it to throw {@code expected}. */
    public <X extends Throwable> X whenFails(Class<X> expected, Consumer<? super E> action) {
      Objects.requireNonNull(expected, "expected");
      int before = entity.pendingEvents().size();
      try {
        action.accept(entity);
      } catch (Throwable thrown) {
        if (!expected.isInstance(thrown)) {
          throw new AssertionError(
              "expected " + expected.getName() + " but " + thrown + " was thrown", thrown);
        }
        if (entity.pendingEvents().size() != before) {
          throw new AssertionError(
              "a failed business method must raise nothing, but "
                  + RecordedEvents.describe(
                      entity.pendingEvents().subList(before, entity.pendingEvents().size())));
        }
        return expected.cast(thrown);
      }
      throw new AssertionError("expected " + expected.getName() + " but nothing was thrown");
    }
  }

  /** The "then" step: expectations are matched in order. */
  public static final class Then {
    private final List<EventEnvelope> events;
    private int next;

    Then(List<EventEnvelope> events) {
      this.events = events;
    }

    /** Expects the next event to be of {@code type}. */
    public Then expect(EventType<?> type) {
      return expect(type, payload -> {});
    }

    /** Expects the next event to be of {@code type}, and runs {@code check} on its payload. */
    public <T> Then expect(EventType<T> type, Consumer<? super T> check) {
      Objects.requireNonNull(type, "type");
      if (next >= events.size()) {
        throw new AssertionError(
            "expected "
                + type.name()
                + " as event #"
                + (next + 1)
                + " but "
                + RecordedEvents.describe(events));
      }
      EventEnvelope event = events.get(next);
      if (!event.name().equals(type.name())) {
        throw new AssertionError(
            "expected "
                + type.name()
                + " as event #"
                + (next + 1)
                + " but "
                + RecordedEvents.describe(events));
      }
      next++;
      new RecordedEvents.Event<>(type, event).withPayload(check);
      return this;
    }

    /** Asserts that no events follow the expected ones. */
    public void andNothingElse() {
      if (next != events.size()) {
        throw new AssertionError(
            "expected "
                + next
                + " event(s) and nothing else, but "
                + RecordedEvents.describe(events));
      }
    }

    /** The events the "when" step raised. */
    public List<EventEnvelope> events() {
      return List.copyOf(events);
    }
  }
}
