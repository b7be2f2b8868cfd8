package dev.domainevents.benchmarks;

import dev.domainevents.Entity;

/** The soak's entity: an account whose deposits are numbered 1, 2, 3, ... */
public final class SoakAccount extends Entity {
  private final String id;
  private long deposits;

  /** Creates the account {@code id}. */
  public SoakAccount(String id) {
    this.id = id;
  }

  /** Raises {@code SoakAccount:Deposited} with the next sequence number. */
  public void deposited() {
    domainEvent("SoakAccount:Deposited", new SoakDeposit(id, ++deposits));
  }

  @Override
  public String identity() {
    return id;
  }
}
