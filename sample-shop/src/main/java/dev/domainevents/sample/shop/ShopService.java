package dev.domainevents.sample.shop;

import dev.domainevents.DomainEvents;
import dev.domainevents.EventEnvelope;
import java.util.List;

/** The application service behind {@code POST /shop/{goodsId}}: buy, then ship the event. */
final class ShopService {
  private final GoodsRepository goods;
  private final OutboxPurchases outbox;
  private final EventSourcedGoods eventSourced;

  ShopService(GoodsRepository goods) {
    this(goods, null, null);
  }

  /**
   * With {@code outbox} non-null, purchases go through the database and its outbox instead; with
   * {@code eventSourced} non-null, through the event store.
   */
  ShopService(GoodsRepository goods, OutboxPurchases outbox, EventSourcedGoods eventSourced) {
    this.goods = goods;
    this.outbox = outbox;
    this.eventSourced = eventSourced;
  }

  /**
   * Buys {@code amount} of {@code goodsId} and publishes the raised event, waiting until the infra
   * has accepted it. Returns the published event.
   */
  EventEnvelope buy(int goodsId, int amount) {
    if (eventSourced != null) {
      return eventSourced.buy(goodsId, amount); // appended to the goods' stream, with the outbox
    }
    if (outbox != null) {
      return outbox.buy(goodsId, amount); // committed with the stock update; the relay ships it
    }
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
