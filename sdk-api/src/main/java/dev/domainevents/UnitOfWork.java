package dev.domainevents;

import dev.domainevents.spi.EventCatalog;
import dev.domainevents.spi.InstalledInfra;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * The entities touched by one piece of work. On {@link #commit()} their pending events are drained,
 * merged in raise order, and published together.
 *
 * <pre>{@code
 * UnitOfWork work = DomainEvents.unitOfWork();
 * Goods goods = work.track(goodsRepository.find(id));
 * Order order = work.track(Order.place(goods, amount));
 * goods.shopping(amount);
 * work.commit().join();
 * }</pre>
 *
 * <p>Not thread-safe: one unit of work belongs to one thread.
 */
public final class UnitOfWork {
  private final List<Entity> entities = new ArrayList<>();

  UnitOfWork() {}

  /** Adds {@code entity} to this unit of work and returns it. Tracking twice has no effect. */
  public <E extends Entity> E track(E entity) {
    Objects.requireNonNull(entity, "entity");
    for (Entity tracked : entities) {
      if (tracked == entity) {
        return entity;
      }
    }
    entities.add(entity);
    return entity;
  }

  /** The tracked entities' pending events, merged in raise order, without draining them. */
  public List<EventEnvelope> pendingEvents() {
    return EventBatch.of(null, this).events();
  }

  /**
   * Drains the tracked entities' events, in raise order, without publishing them. To store them and
   * clear them only once stored, take an {@link EventBatch#of(EventCatalog, UnitOfWork)}.
   */
  public List<EventEnvelope> drain() {
    return EventBatch.drain(InstalledInfra.catalogIfInstalled(), entities.toArray(new Entity[0]));
  }

  /** Drains the tracked entities' events and publishes them with the installed infra. */
  public CompletableFuture<Void> commit() {
    return DomainEvents.publish(entities.toArray(new Entity[0]));
  }

  /** Like {@link #commit()}, and waits until every event is accepted. */
  public void commitAndWait() {
    DomainEvents.await(commit());
  }

  /** Discards the tracked entities' pending events: the work was rolled back. */
  public void rollback() {
    EventBatch.drain(null, entities.toArray(new Entity[0]));
  }

  List<Entity> entities() {
    return entities;
  }
}
