package dev.domainevents.benchmarks;

import dev.domainevents.Apply;
import dev.domainevents.EventEnvelope;
import dev.domainevents.EventSourcedEntity;

/**
 * The event store runs' aggregate: a ledger of purchases, rebuilt by replaying {@code
 * Ledger:Purchase}. The processor generates {@code Ledger_Applier} and {@code
 * LedgerEvents.PURCHASE}.
 */
public final class Ledger extends EventSourcedEntity {
  private final String id;
  private long purchases;
  private long amount;

  /** Creates the ledger {@code id}, with nothing applied. */
  public Ledger(String id) {
    this.id = id;
  }

  /** A ledger restored from a snapshot of {@code state}. */
  static Ledger restored(String id, State state) {
    Ledger ledger = new Ledger(id);
    ledger.purchases = state.purchases();
    ledger.amount = state.amount();
    return ledger;
  }

  /** Records {@code purchase}. */
  public void purchase(Purchase purchase) {
    domainEvent("Ledger:Purchase", purchase);
  }

  /** Applies one purchase; the hand-written replay calls this directly too. */
  @Apply
  void onPurchased(Purchase purchase) {
    purchases++;
    amount += purchase.amount();
  }

  @Override
  protected void apply(EventEnvelope event) {
    Ledger_Applier.apply(this, event);
  }

  /** The ledger's snapshot state. */
  State state() {
    return new State(purchases, amount);
  }

  @Override
  public String identity() {
    return id;
  }

  /**
   * A snapshot of a ledger.
   *
   * @param purchases how many purchases it applied
   * @param amount their total amount
   */
  public record State(long purchases, long amount) {}
}
