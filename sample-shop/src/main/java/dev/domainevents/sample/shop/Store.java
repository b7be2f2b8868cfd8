package dev.domainevents.sample.shop;

import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** The warehouse's stock per goods: the store side, updated by {@link StoreController}. */
public final class Store {
  private final Map<Integer, AtomicInteger> stock = new ConcurrentHashMap<>();

  /**
   * Creates a store holding {@code initialStock} of each goods from {@code firstId} to {@code
   * lastId}.
   */
  public Store(int firstId, int lastId, int initialStock) {
    for (int id = firstId; id <= lastId; id++) {
      stock.put(id, new AtomicInteger(initialStock));
    }
  }

  /** The stock of {@code goodsId}, or empty for unknown goods. */
  public OptionalInt stock(int goodsId) {
    AtomicInteger count = stock.get(goodsId);
    return count == null ? OptionalInt.empty() : OptionalInt.of(count.get());
  }

  /** Takes {@code amount} out of stock; returns what is left. */
  int take(int goodsId, int amount) {
    AtomicInteger count = stock.get(goodsId);
    if (count == null) {
      throw new UnknownGoodsException(goodsId);
    }
    return count.addAndGet(-amount);
  }
}
