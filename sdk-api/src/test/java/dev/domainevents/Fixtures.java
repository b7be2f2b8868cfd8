package dev.domainevents;

import dev.domainevents.spi.EventDispatcher;
import dev.domainevents.spi.EventRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Hand-written stand-ins shaped like the processor's output, so sdk-api tests need no processor.
 */
final class Fixtures {
  private Fixtures() {}

  record GoodsObj(int id, int amount) {}

  record Restocked(int id) {}

  static final class Goods extends Entity {
    private final int id;

    Goods(int id) {
      this.id = id;
    }

    void shopping(int amount) {
      domainEvent("Goods:Shopping", new GoodsObj(id, amount), Map.of("x-action", "buy"));
    }

    void restock() {
      domainEvent(GoodsEvents.RESTOCK, new Restocked(id));
    }

    @Override
    public String identity() {
      return String.valueOf(id);
    }
  }

  static final class GoodsEvents {
    static final EventType<GoodsObj> SHOPPING =
        EventType.of("Goods:Shopping", GoodsObj.class, "goods.shopping", 3);
    static final EventType<Restocked> RESTOCK =
        EventType.of("Goods:Restock", Restocked.class, "goods.restock", 1);

    private GoodsEvents() {}
  }

  /** Records what it handles; on Goods:Shopping it restocks, raising a caused event. */
  static class StoreController {
    final List<EventContext> handled = new ArrayList<>();

    @SuppressWarnings("FutureReturnValueIgnored") // the in-memory infra publishes before it returns
    void onShopping(GoodsObj goods, EventContext context) {
      handled.add(context);
      Goods restocked = new Goods(goods.id());
      restocked.restock();
      DomainEvents.publish(restocked);
    }

    void onRestock(Restocked restocked, EventContext context) {
      handled.add(context);
    }
  }

  static final class StoreControllerDispatcher implements EventDispatcher {
    private final StoreController handler;

    StoreControllerDispatcher(StoreController handler) {
      this.handler = handler;
    }

    @Override
    public Set<String> events() {
      return Set.of("Goods:Restock", "Goods:Shopping");
    }

    @Override
    public Map<String, Class<?>> topics() {
      return Map.of();
    }

    @Override
    public boolean dispatch(EventContext context) {
      switch (context.name()) {
        case "Goods:Shopping":
          handler.onShopping((GoodsObj) context.envelope().payload(), context);
          return true;
        case "Goods:Restock":
          handler.onRestock((Restocked) context.envelope().payload(), context);
          return true;
        default:
          return false;
      }
    }
  }

  static final class Registry implements EventRegistry {
    @Override
    public List<EventType<?>> eventTypes() {
      return List.of(GoodsEvents.RESTOCK, GoodsEvents.SHOPPING);
    }

    @Override
    public EventDispatcher dispatcherFor(Object handler) {
      if (handler instanceof StoreController) {
        return new StoreControllerDispatcher((StoreController) handler);
      }
      return null;
    }
  }
}
