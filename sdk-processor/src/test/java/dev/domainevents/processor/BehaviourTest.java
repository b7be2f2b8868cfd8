package dev.domainevents.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import dev.domainevents.DomainEvents;
import dev.domainevents.Entity;
import dev.domainevents.EventContext;
import dev.domainevents.EventEnvelope;
import dev.domainevents.EventScope;
import dev.domainevents.EventType;
import dev.domainevents.memory.InMemoryInfra;
import dev.domainevents.spi.DeferredDispatcher;
import dev.domainevents.spi.EventCatalog;
import dev.domainevents.spi.EventDispatcher;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the generated code: compiles an app with the processor, loads it, installs the in-memory
 * infra with the generated registry and dispatcher, raises events, and checks what the handler saw.
 */
class BehaviourTest {
  private static final JavaFileObject[] APP = {
    JavaFileObjects.forSourceString(
        "app.GoodsObj", "package app; public record GoodsObj(long id, String title, int stock) {}"),
    JavaFileObjects.forSourceString(
        "app.StockReserved", "package app; public record StockReserved(String sku, int amount) {}"),
    JavaFileObjects.forSourceString(
        "app.SellMessage", "package app; public record SellMessage(String sku, int quantity) {}"),
    JavaFileObjects.forSourceString(
        "app.Goods",
"""
        package app;

        import dev.domainevents.Entity;
        import java.util.Map;
import java.util.UUID;

        public final class Goods extends Entity {
          private GoodsObj goods;

          public Goods(GoodsObj goods) {
            this.goods = goods;
          }

          public void shopping(int amount) {
            goods = new GoodsObj(goods.id(), goods.title(), goods.stock() - amount);
            domainEvent("Goods:Shopping", goods, Map.of("x-action", "buy"));
          }

          @Override
          public String identity() {
            return String.valueOf(goods.id());
          }
        }
        """),
    JavaFileObjects.forSourceString(
        "app.Stock",
        """
        package app;

        import dev.domainevents.Entity;

        public final class Stock extends Entity {
          private final String sku;

          public Stock(String sku) {
            this.sku = sku;
          }

          public void reserve(int amount) {
            StockReserved reserved = new StockReserved(sku, amount);
            domainEvent(StockEvents.RESERVE, reserved);
          }

          @Override
          public String identity() {
            return sku;
          }
        }
        """),
    JavaFileObjects.forSourceString(
        "app.StoreController",
        """
        package app;

        import dev.domainevents.DomainEvents;
        import dev.domainevents.EventContext;
        import dev.domainevents.EventEnvelope;
        import dev.domainevents.EventHandler;
        import java.util.ArrayList;
        import java.util.List;

        public final class StoreController {
          public final List<Object> seen = new ArrayList<>();
          private final Stock stock = new Stock("sku-1");

          @EventHandler("Goods:Shopping")
          void onShopping(GoodsObj goods, EventContext context) {
            seen.add(context.envelope());
            stock.reserve(goods.stock());
            DomainEvents.publish(stock);
          }

          @EventHandler("Stock:Reserve")
          void onReserved(StockReserved reserved, EventEnvelope envelope) {
            seen.add(envelope);
          }

          @EventHandler(topic = "event-sell")
          void onSell(SellMessage message) {
            seen.add(message);
          }
        }
        """),
    JavaFileObjects.forSourceString(
        "app.StockAudit",
        """
        package app;

        import dev.domainevents.EventHandler;
        import java.util.ArrayList;
        import java.util.List;

        public final class StockAudit {
          public final List<List<StockReserved>> batches = new ArrayList<>();

          @EventHandler("Stock:Reserve")
          void onReserved(List<StockReserved> reserved) {
            batches.add(reserved);
          }
        }
        """)
  };

  @TempDir Path classes;
  private URLClassLoader loader;

  @BeforeEach
  void compileAndLoad() throws Exception {
    Compilation compilation = Compilers.sdk().compile(APP);
    assertThat(compilation).succeededWithoutWarnings();
    Compilers.writeClassOutput(compilation, classes);
    loader = new URLClassLoader(new URL[] {classes.toUri().toURL()}, getClass().getClassLoader());
  }

  @AfterEach
  void close() throws Exception {
    loader.close();
  }

  @Test
  void generatedRegistryIsFoundByServiceLoaderWithTypesFromTheCompilation() throws Exception {
    EventCatalog catalog = EventCatalog.load(loader);
    EventType<?> shopping = catalog.require("Goods:Shopping");
    assertThat(shopping.payloadType()).isEqualTo(loader.loadClass("app.GoodsObj"));
    assertThat(shopping.aggregateType()).isEqualTo("Goods");
    assertThat(shopping.topic()).isEqualTo("goods");
    assertThat(catalog.require("Stock:Reserve").payloadType())
        .isEqualTo(loader.loadClass("app.StockReserved"));
    assertThat(catalog.eventTypes()).hasSize(2);
  }

  /**
   * A loader of the compiled classes that adds the name of each class it defines to {@code
   * defined}.
   */
  private URLClassLoader recordingLoader(List<String> defined) throws Exception {
    return new URLClassLoader(new URL[] {classes.toUri().toURL()}, getClass().getClassLoader()) {
      @Override
      protected Class<?> findClass(String name) throws ClassNotFoundException {
        defined.add(name);
        return super.findClass(name);
      }
    };
  }

  @Test
  void aCatalogLoadsOnlyTheEventClassesItIsAskedFor() throws Exception {
    List<String> defined = new ArrayList<>();
    try (URLClassLoader recording = recordingLoader(defined)) {
      EventCatalog catalog = EventCatalog.load(recording);
      assertThat(catalog.names()).containsExactly("Goods:Shopping", "Stock:Reserve").inOrder();
      assertThat(catalog.topicOf("Stock:Reserve")).isEqualTo("stock");
      assertThat(defined).containsExactly("app.GeneratedEventRegistry");

      catalog.require("Goods:Shopping");

      assertThat(defined)
          .containsExactly("app.GeneratedEventRegistry", "app.GoodsEvents", "app.GoodsObj");
    }
  }

  @Test
  @SuppressWarnings({"unchecked", "try"}) // the installation acts by being open
  void aPublicHandlerWithoutTopicsLoadsItsDispatcherOnItsFirstEvent() throws Exception {
    List<String> defined = new ArrayList<>();
    try (URLClassLoader recording = recordingLoader(defined)) {
      EventCatalog catalog = EventCatalog.load(recording);
      Class<?> auditClass = recording.loadClass("app.StockAudit");
      Object audit = auditClass.getConstructor().newInstance();
      List<List<Object>> batches = (List<List<Object>>) auditClass.getField("batches").get(audit);
      Class<?> stockClass = recording.loadClass("app.Stock");
      Entity stock = (Entity) stockClass.getConstructor(String.class).newInstance("sku-1");

      EventDispatcher dispatcher = catalog.dispatcherFor(audit);
      assertThat(dispatcher).isInstanceOf(DeferredDispatcher.class);
      assertThat(dispatcher.events()).containsExactly("Stock:Reserve");
      assertThat(dispatcher.batchEvents()).containsExactly("Stock:Reserve");
      assertThat(dispatcher.topics()).isEmpty();
      assertThat(dispatcher.dispatchesTo(auditClass)).isTrue();
      assertThat(dispatcher.dispatchesTo(stockClass)).isFalse();

      InMemoryInfra infra = new InMemoryInfra();
      try (DomainEvents.Installation installation = DomainEvents.install(infra, catalog, audit)) {
        assertThat(defined).doesNotContain("app.StockAudit_EventDispatcher");

        stockClass.getMethod("reserve", int.class).invoke(stock, 2);
        Object reserved = stock.pendingEvents().get(0).payload();
        DomainEvents.publish(stock).join();

        assertThat(infra.failures()).isEmpty();
        assertThat(batches).containsExactly(List.of(reserved));
        assertThat(defined).contains("app.StockAudit_EventDispatcher");
      }
      DeferredDispatcher deferred = (DeferredDispatcher) dispatcher;
      assertThat(deferred.dispatcher().getClass().getName())
          .isEqualTo("app.StockAudit_EventDispatcher");
      assertThat(deferred.dispatcher()).isSameInstanceAs(deferred.dispatcher());
    }
  }

  @Test
  @SuppressWarnings({"unchecked", "try"}) // the scope and installation act by being open
  void handlerSeesExactEventsIdsCorrelationAndCausationInOrder() throws Exception {
    EventCatalog catalog = EventCatalog.load(loader);
    Object controller = loader.loadClass("app.StoreController").getConstructor().newInstance();
    List<Object> seen = (List<Object>) controller.getClass().getField("seen").get(controller);
    Class<?> goodsObj = loader.loadClass("app.GoodsObj");
    Class<?> goodsClass = loader.loadClass("app.Goods");
    Entity tea =
        (Entity) goodsClass.getConstructor(goodsObj).newInstance(goodsObj(goodsObj, 1, "tea", 5));
    Entity cake =
        (Entity) goodsClass.getConstructor(goodsObj).newInstance(goodsObj(goodsObj, 2, "cake", 4));

    InMemoryInfra infra = new InMemoryInfra();
    try (DomainEvents.Installation installation =
        DomainEvents.install(infra, catalog, controller)) {
      List<EventEnvelope> raised = new ArrayList<>();
      try (EventScope scope = EventScope.correlate("req-1")) {
        goodsClass.getMethod("shopping", int.class).invoke(tea, 2);
        goodsClass.getMethod("shopping", int.class).invoke(cake, 1);
        raised.addAll(tea.pendingEvents());
        raised.addAll(cake.pendingEvents());
        DomainEvents.publish(tea, cake).join();
      }
      Object sell =
          loader.loadClass("app.SellMessage").getConstructors()[0].newInstance("sku-9", 3);
      EventEnvelope message =
          new EventEnvelope(
              UUID.randomUUID(),
              "event-sell",
              "",
              "sku-9",
              sell,
              Map.of(),
              Instant.now(),
              "req-2",
              null,
              1);
      infra.publish(List.of(message)).join();

      assertThat(infra.failures()).isEmpty();
      assertThat(raised).hasSize(2);
      // Delivery order: both published events, then the two each handler raised, then the message.
      assertThat(seen).hasSize(5);
      EventEnvelope teaSeen = (EventEnvelope) seen.get(0);
      EventEnvelope cakeSeen = (EventEnvelope) seen.get(1);
      assertThat(teaSeen).isEqualTo(raised.get(0));
      assertThat(cakeSeen).isEqualTo(raised.get(1));
      assertThat(teaSeen.payload()).isEqualTo(goodsObj(goodsObj, 1, "tea", 3));
      assertThat(cakeSeen.payload()).isEqualTo(goodsObj(goodsObj, 2, "cake", 3));
      assertThat(teaSeen.headers()).containsExactly("x-action", "buy");
      assertThat(teaSeen.name()).isEqualTo("Goods:Shopping");
      assertThat(teaSeen.aggregateId()).isEqualTo("1");
      assertThat(teaSeen.correlationId()).isEqualTo("req-1");
      assertThat(cakeSeen.correlationId()).isEqualTo("req-1");
      assertThat(teaSeen.causationId()).isNull();
      assertThat(teaSeen.eventId()).isLessThan(cakeSeen.eventId());

      EventEnvelope teaReserved = (EventEnvelope) seen.get(2);
      EventEnvelope cakeReserved = (EventEnvelope) seen.get(3);
      assertThat(teaReserved.name()).isEqualTo("Stock:Reserve");
      assertThat(teaReserved.payload())
          .isEqualTo(
              loader.loadClass("app.StockReserved").getConstructors()[0].newInstance("sku-1", 3));
      assertThat(teaReserved.causationId()).isEqualTo(teaSeen.eventId().toString());
      assertThat(cakeReserved.causationId()).isEqualTo(cakeSeen.eventId().toString());
      assertThat(teaReserved.correlationId()).isEqualTo("req-1");
      assertThat(cakeReserved.correlationId()).isEqualTo("req-1");
      assertThat(teaReserved.aggregateType()).isEqualTo("Stock");
      assertThat(teaReserved.aggregateId()).isEqualTo("sku-1");

      assertThat(seen.get(4)).isSameInstanceAs(sell);
      assertThat(infra.published())
          .containsExactly(teaSeen, cakeSeen, teaReserved, cakeReserved, message)
          .inOrder();
    }
  }

  @Test
  void dispatcherIgnoresNamesItDoesNotHandle() throws Exception {
    Object controller = loader.loadClass("app.StoreController").getConstructor().newInstance();
    var dispatcher = EventCatalog.load(loader).dispatcherFor(controller);
    assertThat(dispatcher.getClass().getName()).isEqualTo("app.StoreController_EventDispatcher");
    assertThat(dispatcher.events()).containsExactly("Goods:Shopping", "Stock:Reserve");
    assertThat(dispatcher.topics())
        .containsExactly("event-sell", loader.loadClass("app.SellMessage"));
    EventEnvelope other =
        new EventEnvelope(
            UUID.randomUUID(),
            "Order:Placed",
            "Order",
            "1",
            "x",
            Map.of(),
            Instant.now(),
            "c",
            null,
            1);
    assertThat(dispatcher.dispatch(EventContext.of(other))).isFalse();
  }

  private static Object goodsObj(Class<?> type, long id, String title, int stock) throws Exception {
    return type.getConstructor(long.class, String.class, int.class).newInstance(id, title, stock);
  }

  @Test
  @SuppressWarnings("unchecked")
  void aBatchMethodReceivesOneElementListsFromInfraThatDoesNotBatchAndWholeBatchesOtherwise()
      throws Exception {
    EventCatalog catalog = EventCatalog.load(loader);
    Object audit = loader.loadClass("app.StockAudit").getConstructor().newInstance();
    List<List<Object>> batches =
        (List<List<Object>>) audit.getClass().getField("batches").get(audit);
    Class<?> stockClass = loader.loadClass("app.Stock");
    Entity stock = (Entity) stockClass.getConstructor(String.class).newInstance("sku-1");
    stockClass.getMethod("reserve", int.class).invoke(stock, 2);
    stockClass.getMethod("reserve", int.class).invoke(stock, 3);
    List<EventEnvelope> reserved = new ArrayList<>(stock.pendingEvents());

    InMemoryInfra infra = new InMemoryInfra();
    try (DomainEvents.Installation installation = DomainEvents.install(infra, catalog, audit)) {
      DomainEvents.publish(stock).join();
      assertThat(infra.failures()).isEmpty();
    }
    assertThat(batches)
        .containsExactly(List.of(reserved.get(0).payload()), List.of(reserved.get(1).payload()))
        .inOrder();

    batches.clear();
    var dispatcher = catalog.dispatcherFor(audit);
    assertThat(dispatcher.batchEvents()).containsExactly("Stock:Reserve");
    assertThat(
            dispatcher.dispatchBatch(
                "Stock:Reserve",
                List.of(EventContext.of(reserved.get(0)), EventContext.of(reserved.get(1)))))
        .isTrue();
    assertThat(batches)
        .containsExactly(List.of(reserved.get(0).payload(), reserved.get(1).payload()));
    assertThat(dispatcher.dispatchBatch("Goods:Shopping", List.of())).isFalse();
  }
}
