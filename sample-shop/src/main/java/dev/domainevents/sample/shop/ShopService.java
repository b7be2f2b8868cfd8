package dev.domainevents.sample.shop;

import dev.domainevents.DomainEvents;
import dev.domainevents.EventEnvelope;
import java.util.List;

/** The application service behind {@code POST /shop/{goodsId}}: buy, then ship the event. */
final class ShopService {
  private final GoodsRepository goods;

  ShopService(GoodsRepository goods) {
    this.goods = goods;
  }

  /**
   * Buys {@code amount} of {@code goodsId} and publishes the raised event, waiting until the infra
   * has accepted it. Returns the published event.
   */
  EventEnvelope buy(int goodsId, int amount) {
    return goods.withGoods(
        goodsId,
        g -> {
          g.shopping(amount);
          List<EventEnvelope> raised = g.pendingEvents();
          EventEnvelope event = raised.get(raised.size() - 1);
          // The work is committed: the aggregate's state changed, so its events ship now.
          DomainEvents.publishAndWait(g);
          return event;
        });
  }
}
