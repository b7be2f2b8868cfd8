package dev.domainevents.benchmarks;

import dev.domainevents.Entity;

/** The benchmarks' entity; it raises {@code Basket:Checkout} and {@code Basket:Ping}. */
public final class Basket extends Entity {
  private final String id;

  /** Creates the basket {@code id}. */
  public Basket(String id) {
    this.id = id;
  }

  /** Checks the purchase out, raising {@code Basket:Checkout}. */
  public void checkout(Purchase purchase) {
    domainEvent("Basket:Checkout", purchase);
  }

  /** Raises {@code Basket:Ping}, whose payload carries the send time; for latency runs. */
  public void ping(Purchase purchase) {
    domainEvent("Basket:Ping", purchase);
  }

  @Override
  public String identity() {
    return id;
  }
}
