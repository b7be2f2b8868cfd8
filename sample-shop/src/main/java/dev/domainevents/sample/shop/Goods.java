package dev.domainevents.sample.shop;

import dev.domainevents.Entity;
import java.util.Map;

/**
 * The goods aggregate of the shop: it owns the sellable stock and raises {@code Goods:Shopping}
 * when goods are bought. The annotation processor checks the event name against this class and
 * generates {@code GoodsEvents.SHOPPING}.
 */
public final class Goods extends Entity {
  /** The header that names the action, as in the seed's {@code x-action}. */
  public static final String ACTION_HEADER = "x-action";

  private final int id;
  private int stock;

  Goods(int id, int stock) {
    this.id = id;
    this.stock = stock;
  }

  /**
   * Buys {@code amount} of these goods.
   *
   * @throws IllegalArgumentException if {@code amount} is not positive
   * @throws OutOfStockException if fewer than {@code amount} are left; nothing is raised
   */
  public void shopping(int amount) {
    if (amount <= 0) {
      throw new IllegalArgumentException("amount must be positive, was " + amount);
    }
    if (amount > stock) {
      throw new OutOfStockException(id, amount, stock);
    }
    stock -= amount;
    domainEvent("Goods:Shopping", new GoodsObj(id, amount), Map.of(ACTION_HEADER, "shopping"));
  }

  /** How many can still be bought. */
  public int stock() {
    return stock;
  }

  @Override
  public String identity() {
    return Integer.toString(id);
  }
}
