package dev.domainevents.sample.shop;

import dev.domainevents.Apply;
import dev.domainevents.EventEnvelope;
import dev.domainevents.EventSourcedEntity;
import java.util.Map;

/**
 * The goods aggregate of the shop: it owns the sellable stock and raises {@code Goods:Shopping}
 * when goods are bought. The annotation processor checks the event name against this class and
 * generates {@code GoodsEvents.SHOPPING}.
 *
 * <p>The stock changes only by applying events, so in the event-sourced mode ({@code
 * SHOP_STORE=eventsourced}) the goods are rebuilt by replaying their {@code Goods:Shopping} events
 * onto the initial stock; {@code Goods_Applier}, generated, calls {@link #onShopping}.
 */
public final class Goods extends EventSourcedEntity {
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
    domainEvent("Goods:Shopping", new GoodsObj(id, amount), Map.of(ACTION_HEADER, "shopping"));
  }

  @Apply
  void onShopping(GoodsObj goods) {
    stock -= goods.amount();
  }

  @Override
  protected void apply(EventEnvelope event) {
    Goods_Applier.apply(this, event);
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
