package dev.domainevents;

import java.util.Objects;

/**
 * An entity whose state changes only by applying its events: {@code domainEvent(...)} records the
 * event and applies it at once, and loading replays the stored events through the same {@link
 * Apply} methods.
 *
 * <pre>{@code
 * public final class Goods extends EventSourcedEntity {
 *   private final String sku;
 *   private int stock;
 *
 *   public void restock(int amount) {
 *     domainEvent("Goods:Restock", new Restocked(sku, amount)); // applied here, by onRestocked
 *   }
 *
 *   @Apply
 *   void onRestocked(Restocked event) {
 *     stock += event.amount();
 *   }
 *
 *   @Override
 *   protected void apply(EventEnvelope event) {
 *     Goods_Applier.apply(this, event); // generated: calls onRestocked, no reflection
 *   }
 * }
 * }</pre>
 *
 * <p>Not thread-safe, like all entities.
 */
public abstract class EventSourcedEntity extends Entity {
  private long version;

  /** Creates an aggregate with no events applied. */
  protected EventSourcedEntity() {}

  /**
   * Applies {@code event} to the state: delegate to the generated applier, {@code
   * Goods_Applier.apply(this, event)}, which calls the matching {@link Apply} method.
   */
  protected abstract void apply(EventEnvelope event);

  /**
   * The number of events applied: those replayed plus those raised since. Once the raised events
   * are stored, this is the stream's version.
   */
  public final long version() {
    return version;
  }

  /**
   * Applies a stored event without raising it again, e.g. while loading the aggregate from its
   * stream. Replay the stream in order, before raising anything.
   *
   * @throws IllegalStateException if events are pending: replaying after raising would reorder them
   * @throws IllegalArgumentException if the event belongs to another aggregate
   */
  public final void replay(EventEnvelope event) {
    Objects.requireNonNull(event, "event");
    if (!pending().isEmpty()) {
      throw new IllegalStateException(
          "cannot replay "
              + event.name()
              + " into "
              + getClass().getSimpleName()
              + " with events pending; replay the stream before raising");
    }
    String id = identity();
    if (id != null && !id.equals(event.aggregateId())) {
      throw new IllegalArgumentException(
          "cannot replay "
              + event.name()
              + " of "
              + event.aggregateId()
              + " into "
              + getClass().getSimpleName()
              + " "
              + id);
    }
    apply(event);
    version++;
  }

  /**
   * Sets the version of an aggregate restored from a snapshot that includes the first {@code
   * version} events of its stream; replay the later ones afterwards.
   *
   * @throws IllegalStateException if events were applied already
   */
  public final void restoredAt(long version) {
    if (this.version != 0 || !pending().isEmpty()) {
      throw new IllegalStateException(
          "restore " + getClass().getSimpleName() + " from a snapshot before applying events");
    }
    if (version < 0) {
      throw new IllegalArgumentException("version must be >= 0, was " + version);
    }
    this.version = version;
  }

  /** Applies a newly raised event before it is recorded: a failing apply records nothing. */
  @Override
  final void raised(EventEnvelope event) {
    apply(event);
    version++;
  }
}
