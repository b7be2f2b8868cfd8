package dev.domainevents.micrometer;

import dev.domainevents.Entity;
import dev.domainevents.EventContext;
import dev.domainevents.EventType;
import dev.domainevents.spi.EventDispatcher;
import dev.domainevents.spi.EventRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Hand-written stand-ins shaped like the processor's output, so these tests need no processor. */
final class Fixtures {
  private Fixtures() {}

  record GoodsObj(int id, int amount) {}

  static final EventType<GoodsObj> SHOPPING =
      EventType.of("Goods:Shopping", GoodsObj.class, "goods", 1);

  static final class Goods extends Entity {
    private final int id;

    Goods(int id) {
      this.id = id;
    }

    void shopping(int amount) {
      domainEvent(SHOPPING, new GoodsObj(id, amount));
    }

    @Override
    public String identity() {
      return String.valueOf(id);
    }
  }

  /** Handles Goods:Shopping; fails on a negative amount. */
  static final class Store {
    final List<GoodsObj> handled = new ArrayList<>();

    void onShopping(GoodsObj goods) {
      if (goods.amount() < 0) {
        throw new IllegalArgumentException("negative amount " + goods.amount());
      }
      handled.add(goods);
    }
  }

  static final class Registry implements EventRegistry {
    @Override
    public List<EventType<?>> eventTypes() {
      return List.of(SHOPPING);
    }

    @Override
    public EventDispatcher dispatcherFor(Object handler) {
      if (!(handler instanceof Store)) {
        return null;
      }
      Store store = (Store) handler;
      return new EventDispatcher() {
        @Override
        public Set<String> events() {
          return Set.of(SHOPPING.name());
        }

        @Override
        public Map<String, Class<?>> topics() {
          return Map.of();
        }

        @Override
        public boolean dispatch(EventContext context) {
          if (!context.name().equals(SHOPPING.name())) {
            return false;
          }
          store.onShopping((GoodsObj) context.envelope().payload());
          return true;
        }
      };
    }
  }
}
