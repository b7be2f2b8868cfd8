package dev.domainevents.sample.shop;

import dev.domainevents.EventContext;
import dev.domainevents.EventHandler;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's side of a purchase: it handles {@code Goods:Shopping} and takes the goods out of
 * stock. The processor generates {@code StoreController_EventDispatcher}, which calls {@link
 * #onShopping} directly.
 */
public final class StoreController {
  private static final Logger log = LoggerFactory.getLogger(StoreController.class);

  private final Store store;
  private final AtomicLong handled = new AtomicLong();

  /** Creates the controller of {@code store}. */
  public StoreController(Store store) {
    this.store = store;
  }

  @EventHandler("Goods:Shopping")
  void onShopping(GoodsObj goods, EventContext context) {
    int left = store.take(goods.goodsId(), goods.amount());
    handled.incrementAndGet();
    // The event's ids come from the log context (MDC), which the SDK fills while handlers run.
    log.info(
        "sold goods {} x{} action={} left={}",
        goods.goodsId(),
        goods.amount(),
        context.header(Goods.ACTION_HEADER),
        left);
  }

  /** How many {@code Goods:Shopping} events this controller has handled. */
  public long handledCount() {
    return handled.get();
  }
}
