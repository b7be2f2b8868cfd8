package dev.domainevents.sample.shop;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Keeps the goods aggregates in memory. Work on one aggregate is serialized, as a database row lock
 * would serialize it, so concurrent purchases of the same goods never oversell.
 */
final class GoodsRepository {
  private final Map<Integer, Goods> goods = new ConcurrentHashMap<>();

  GoodsRepository(int firstId, int lastId, int initialStock) {
    for (int id = firstId; id <= lastId; id++) {
      goods.put(id, new Goods(id, initialStock));
    }
  }

  /**
   * Runs {@code work} on the goods with {@code id} while holding its lock.
   *
   * @throws UnknownGoodsException if there are no such goods
   */
  <R> R withGoods(int id, Function<Goods, R> work) {
    Goods found = goods.get(id);
    if (found == null) {
      throw new UnknownGoodsException(id);
    }
    synchronized (found) {
      return work.apply(found);
    }
  }
}
