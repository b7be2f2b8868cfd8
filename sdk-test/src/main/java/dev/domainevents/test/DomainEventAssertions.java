package dev.domainevents.test;

import dev.domainevents.Entity;
import dev.domainevents.EventEnvelope;
import dev.domainevents.memory.InMemoryInfra;
import java.util.List;
import java.util.Objects;

/**
 * Entry points for asserting on domain events in unit tests, with no broker:
 *
 * <pre>{@code
 * import static dev.domainevents.test.DomainEventAssertions.assertThat;
 * import static dev.domainevents.test.DomainEventAssertions.given;
 *
 * assertThat(goods).raised(GoodsEvents.SHOPPING).withPayload(p -> ...);
 * assertThat(inMemoryInfra).raised(GoodsEvents.SHOPPING);   // what was published
 *
 * given(new Goods(stock))
 *     .when(goods -> goods.shopping(2))
 *     .expect(GoodsEvents.SHOPPING, p -> assertEquals(2, p.amount()))
 *     .andNothingElse();
 * }</pre>
 */
public final class DomainEventAssertions {
  private DomainEventAssertions() {}

  /** The entity's pending (raised, not yet published) events. Does not drain them. */
  public static RecordedEvents assertThat(Entity entity) {
    Objects.requireNonNull(entity, "entity");
    return new RecordedEvents(entity.getClass().getSimpleName(), entity.pendingEvents());
  }

  /** The events published to the in-memory infra so far. */
  public static RecordedEvents assertThat(InMemoryInfra infra) {
    Objects.requireNonNull(infra, "infra");
    return new RecordedEvents("the in-memory infra", infra.published());
  }

  /** Any list of events, e.g. drained from a unit of work. */
  public static RecordedEvents assertThat(List<EventEnvelope> events) {
    Objects.requireNonNull(events, "events");
    return new RecordedEvents("the list", events);
  }

  /** Starts a given/when/then scenario on {@code entity}. */
  public static <E extends Entity> EntityScenario.Given<E> given(E entity) {
    return EntityScenario.given(entity);
  }
}
