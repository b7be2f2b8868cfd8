package dev.domainevents.processor;

import com.google.testing.compile.JavaFileObjects;
import javax.tools.JavaFileObject;

/** The representative sources: an entity, its payloads, and handlers. */
final class ShopSources {
  private ShopSources() {}

  static final JavaFileObject GOODS_OBJ =
      JavaFileObjects.forSourceString(
          "shop.GoodsObj",
          """
          package shop;

          public record GoodsObj(long id, String title, int stock) {}
          """);

  static final JavaFileObject LINE_ADDED =
      JavaFileObjects.forSourceString(
          "shop.LineAdded",
          """
          package shop;

          public record LineAdded(long goodsId, String line) {}
          """);

  static final JavaFileObject RESTOCKED =
      JavaFileObjects.forSourceString(
          "shop.Restocked",
          """
          package shop;

          public record Restocked(long goodsId, int amount) {}
          """);

  static final JavaFileObject SELL_MESSAGE =
      JavaFileObjects.forSourceString(
          "shop.SellMessage",
          """
          package shop;

          public record SellMessage(String sku, int quantity) {}
          """);

  static final JavaFileObject GOODS =
      JavaFileObjects.forSourceString(
          "shop.Goods",
          """
          package shop;

          import dev.domainevents.Entity;
          import dev.domainevents.RaisesEvent;
          import java.util.Map;

          /** Goods on a shelf. */
          public final class Goods extends Entity {
            private GoodsObj goods;

            public Goods(GoodsObj goods) {
              this.goods = goods;
            }

            public void shopping(int amount) {
              goods = new GoodsObj(goods.id(), goods.title(), goods.stock() - amount);
              domainEvent("Goods:Shopping", goods, Map.of("x-action", "buy"));
            }

            public void addLine(String line) {
              LineAdded added = new LineAdded(goods.id(), line);
              domainEvent(GoodsEvents.ADD_LINE, added);
            }

            public void restock(int amount) {
              domainEvent("Goods:Restock", new Restocked(goods.id(), amount));
            }

            @RaisesEvent(value = "Goods:Archive", payload = GoodsObj.class, version = 2)
            public void archive() {
              domainEvent("Goods:Archive", this.goods);
            }

            @Override
            public String identity() {
              return String.valueOf(goods.id());
            }
          }
          """);

  static final JavaFileObject STORE_CONTROLLER =
      JavaFileObjects.forSourceString(
          "shop.StoreController",
          """
          package shop;

          import dev.domainevents.EventContext;
          import dev.domainevents.EventEnvelope;
          import dev.domainevents.EventHandler;

          public class StoreController {
            @EventHandler("Goods:Shopping")
            void onShopping(GoodsObj goods, EventContext context) {}

            @EventHandler("Goods:AddLine")
            public void onLine(LineAdded line, EventEnvelope envelope) {}

            @EventHandler(topic = "event-sell")
            void onSell(SellMessage message) throws Exception {}
          }
          """);

  static final JavaFileObject AUDIT_TRAIL =
      JavaFileObjects.forSourceString(
          "shop.audit.AuditTrail",
          """
          package shop.audit;

          import dev.domainevents.EventContext;
          import dev.domainevents.EventHandler;
          import java.util.List;
          import shop.GoodsObj;
          import shop.Restocked;

          final class AuditTrail {
            @EventHandler("Goods:Restock")
            void onRestock(Restocked restocked) {}

            @EventHandler("Goods:Archive")
            void onArchived(List<GoodsObj> archived, List<EventContext> contexts) {}
          }
          """);

  /** Another module's entity of the same simple name, raising the same Goods:Shopping. */
  static final JavaFileObject WAREHOUSE_GOODS =
      JavaFileObjects.forSourceString(
          "warehouse.Goods",
          """
          package warehouse;

          import shop.GoodsObj;

          public class Goods extends dev.domainevents.Entity {
            public void shopping() {
              domainEvent("Goods:Shopping", new GoodsObj(2, "tea", 1));
            }

            @Override
            public String identity() {
              return "2";
            }
          }
          """);

  static JavaFileObject[] all() {
    return new JavaFileObject[] {
      GOODS_OBJ, LINE_ADDED, RESTOCKED, SELL_MESSAGE, GOODS, STORE_CONTROLLER, AUDIT_TRAIL
    };
  }
}
