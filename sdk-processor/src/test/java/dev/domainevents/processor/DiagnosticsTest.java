package dev.domainevents.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import java.util.ArrayList;
import java.util.List;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/** One failing input per message: each asserts the tag, the file and the line. */
class DiagnosticsTest {

  private static JavaFileObject goods(String body) {
    return JavaFileObjects.forSourceString(
        "shop.Goods",
        """
        package shop;

        import dev.domainevents.Entity;
        import dev.domainevents.RaisesEvent;
        import java.util.List;

        public final class Goods extends Entity {
          private GoodsObj goods = new GoodsObj(1, "tea", 3);

          public void shopping(int amount) {}

          public void restock(int amount) {}

          @Override
          public String identity() {
            return "1";
          }

        """
            + body
            + "\n}\n");
  }

  private static JavaFileObject controller(String body) {
    return JavaFileObjects.forSourceString(
        "shop.StoreController",
        """
        package shop;

        import dev.domainevents.EventContext;
        import dev.domainevents.EventEnvelope;
        import dev.domainevents.EventHandler;
        import java.util.List;

        public class StoreController {
        """
            + body
            + "\n}\n");
  }

  private static final JavaFileObject VALID_GOODS =
      goods(
          """
            void raise() {
              domainEvent("Goods:Shopping", goods);
            }
          """);

  private static final JavaFileObject GOODS_SOLD =
      JavaFileObjects.forSourceString(
          "shop.GoodsSold", "package shop; public record GoodsSold(long id) {}");

  private static Compilation compile(JavaFileObject... sources) {
    List<JavaFileObject> all =
        new ArrayList<>(List.of(ShopSources.GOODS_OBJ, ShopSources.RESTOCKED, GOODS_SOLD));
    all.addAll(List.of(sources));
    return Compilers.sdk().compile(all);
  }

  @Test
  void nameNotLiteral() {
    JavaFileObject goods =
        goods(
            """
              void raise() {
                String name = "Goods:Shopping";
                domainEvent(name, goods);
              }
            """);
    Compilation compilation = compile(goods);
    assertThat(compilation)
        .hadErrorContaining("[SdkNameNotLiteral]")
        .inFile(goods)
        .onLineContaining("domainEvent(name, goods)");
    assertThat(compilation).hadErrorContaining("GoodsEvents.METHOD");
  }

  @Test
  void nameFormat() {
    JavaFileObject goods =
        goods(
            """
              void raise() {
                domainEvent("GoodsShopping", goods);
              }
            """);
    Compilation compilation = compile(goods);
    assertThat(compilation)
        .hadErrorContaining("[SdkNameFormat] \"GoodsShopping\" is not an event name")
        .inFile(goods)
        .onLineContaining("\"GoodsShopping\"");
    assertThat(compilation).hadErrorContaining("e.g. \"Goods:Shopping\"");
  }

  @Test
  void lowerCaseActionIsNotAnEventName() {
    // The one rule of dev.domainevents.spi.EventNames, which the runtime applies too.
    JavaFileObject goods =
        goods(
            """
              void raise() {
                domainEvent("Goods:shopping", goods);
              }
            """);
    assertThat(compile(goods))
        .hadErrorContaining(
            "[SdkNameFormat] \"Goods:shopping\" is not an event name: \"Goods:shopping\": the"
                + " action after ':' must start with an upper-case ASCII letter")
        .inFile(goods)
        .onLineContaining("\"Goods:shopping\"");
  }

  @Test
  void handlerOfALowerCaseActionIsNotAnEventName() {
    JavaFileObject controller =
        controller(
            """
              @EventHandler("Goods:shopping")
              void onShopping(GoodsObj goods) {}
            """);
    assertThat(compile(VALID_GOODS, controller))
        .hadErrorContaining("[SdkNameFormat] \"Goods:shopping\" is not an event name")
        .inFile(controller)
        .onLineContaining("Goods:shopping");
  }

  @Test
  void wrongEntity() {
    JavaFileObject goods =
        goods(
            """
              void raise() {
                domainEvent("Order:Shopping", goods);
              }
            """);
    assertThat(compile(goods))
        .hadErrorContaining("[SdkWrongEntity] \"Order:Shopping\" is raised by Goods")
        .inFile(goods)
        .onLineContaining("Order:Shopping");
  }

  @Test
  void unknownMethodSuggestsTheCloseSpelling() {
    JavaFileObject goods =
        goods(
            """
              void raise() {
                domainEvent("Goods:Shoping", goods);
              }
            """);
    assertThat(compile(goods))
        .hadErrorContaining(
            "[SdkUnknownMethod] \"Goods:Shoping\" names no method of Goods. Did you mean"
                + " \"Goods:Shopping\"?")
        .inFile(goods)
        .onLineContaining("Shoping");
  }

  @Test
  void unknownConstantSuggestsTheCloseSpelling() {
    JavaFileObject goods =
        goods(
            """
              void raise() {
                domainEvent(GoodsEvents.SHOPING, goods);
              }
            """);
    assertThat(compile(goods))
        .hadErrorContaining(
            "[SdkUnknownMethod] \"GoodsEvents.SHOPING\" names no method of Goods."
                + " Did you mean \"GoodsEvents.SHOPPING\"?")
        .inFile(goods)
        .onLineContaining("SHOPING");
  }

  @Test
  void payloadConflict() {
    JavaFileObject goods =
        goods(
            """
              void raise() {
                domainEvent("Goods:Shopping", goods);
              }

              void raiseAgain() {
                domainEvent("Goods:Shopping", new Restocked(1, 2));
              }
            """);
    assertThat(compile(goods))
        .hadErrorContaining(
            "[SdkPayloadConflict] \"Goods:Shopping\" carries Restocked here but GoodsObj")
        .inFile(goods)
        .onLineContaining("new Restocked(1, 2)");
  }

  @Test
  void duplicateEvent() {
    JavaFileObject other = ShopSources.WAREHOUSE_GOODS;
    assertThat(compile(VALID_GOODS, other))
        .hadErrorContaining(
            "[SdkDuplicateEvent] \"Goods:Shopping\" is raised by both shop.Goods and"
                + " warehouse.Goods")
        .inFile(other)
        .onLineContaining("public class Goods");
  }

  @Test
  void payloadUnknownTellsHowToDeclareIt() {
    JavaFileObject goods =
        goods(
            """
              void raise() {
                domainEvent("Goods:Shopping", current());
              }

              GoodsObj current() {
                return goods;
              }
            """);
    assertThat(compile(goods))
        .hadErrorContaining(
            "[SdkPayloadUnknown] cannot tell the payload type of \"Goods:Shopping\" from"
                + " `current()`")
        .inFile(goods)
        .onLineContaining("current());");
    assertThat(compile(goods))
        .hadErrorContaining(
            "@RaisesEvent(value = \"Goods:Shopping\", payload = YourPayload.class)");
  }

  @Test
  void payloadDeclaredExplicitlyIsAccepted() {
    JavaFileObject goods =
        goods(
            """
              @RaisesEvent(value = "Goods:Shopping", payload = GoodsObj.class)
              void raise() {
                domainEvent("Goods:Shopping", current());
              }

              GoodsObj current() {
                return goods;
              }
            """);
    assertThat(compile(goods)).succeededWithoutWarnings();
  }

  @Test
  void varLocalWhoseInitializerDoesNotTell() {
    JavaFileObject goods =
        goods(
            """
              void raise() {
                var copy = current();
                domainEvent("Goods:Shopping", copy);
              }

              GoodsObj current() {
                return goods;
              }
            """);
    assertThat(compile(goods))
        .hadErrorContaining("[SdkPayloadUnknown]")
        .inFile(goods)
        .onLineContaining("domainEvent(\"Goods:Shopping\", copy)");
  }

  @Test
  void illegalTopicOverride() {
    JavaFileObject goods =
        goods(
            """
              @RaisesEvent(value = "Goods:Shopping", payload = GoodsObj.class, topic = "goods:shopping")
              void raise() {}
            """);
    assertThat(compile(goods))
        .hadErrorContaining("[SdkIllegalTopic] \"goods:shopping\" is not a legal Kafka topic name")
        .inFile(goods)
        .onLineContaining("topic = \"goods:shopping\"");
  }

  @Test
  void illegalHandlerTopic() {
    JavaFileObject controller =
        controller(
            """
              @EventHandler(topic = "event sell")
              void onSell(GoodsSold sold) {}
            """);
    assertThat(compile(VALID_GOODS, controller))
        .hadErrorContaining("[SdkIllegalTopic] \"event sell\" is not a legal Kafka topic name")
        .inFile(controller)
        .onLineContaining("event sell");
  }

  @Test
  void illegalVersion() {
    JavaFileObject goods =
        goods(
            """
              @RaisesEvent(value = "Goods:Shopping", payload = GoodsObj.class, version = 0)
              void raise() {}
            """);
    assertThat(compile(goods))
        .hadErrorContaining("[SdkIllegalVersion]")
        .inFile(goods)
        .onLineContaining("version = 0");
  }

  @Test
  void unknownEventSuggestsTheCloseSpelling() {
    JavaFileObject controller =
        controller(
            """
              @EventHandler("Goods:Shoping")
              void onShopping(GoodsObj goods) {}
            """);
    assertThat(compile(VALID_GOODS, controller))
        .hadErrorContaining(
            "[SdkUnknownEvent] no entity raises \"Goods:Shoping\". Did you mean"
                + " \"Goods:Shopping\"?")
        .inFile(controller)
        .onLineContaining("Goods:Shoping");
  }

  @Test
  void unknownEventOfAnUnknownEntity() {
    JavaFileObject controller =
        controller(
            """
              @EventHandler("Order:Placed")
              void onPlaced(GoodsObj goods) {}
            """);
    assertThat(compile(VALID_GOODS, controller))
        .hadErrorContaining(
            "[SdkUnknownEvent] no entity raises \"Order:Placed\". If an entity of"
                + " another module raises it")
        .inFile(controller)
        .onLineContaining("Order:Placed");
  }

  @Test
  void payloadMismatch() {
    JavaFileObject controller =
        controller(
            """
              @EventHandler("Goods:Shopping")
              void onSold(GoodsSold sold) {}
            """);
    assertThat(compile(VALID_GOODS, controller))
        .hadErrorContaining(
            "[SdkPayloadMismatch] handler onSold expects GoodsSold but \"Goods:Shopping\" carries"
                + " GoodsObj")
        .inFile(controller)
        .onLineContaining("GoodsSold sold");
  }

  @Test
  void handlerPrivate() {
    JavaFileObject controller =
        controller(
            """
              @EventHandler("Goods:Shopping")
              private void onShopping(GoodsObj goods) {}
            """);
    assertThat(compile(VALID_GOODS, controller))
        .hadErrorContaining("[SdkHandlerPrivate] handler onShopping is private")
        .inFile(controller)
        .onLineContaining("private void onShopping");
  }

  @Test
  void handlerStatic() {
    JavaFileObject controller =
        controller(
            """
              @EventHandler("Goods:Shopping")
              static void onShopping(GoodsObj goods) {}
            """);
    assertThat(compile(VALID_GOODS, controller))
        .hadErrorContaining("[SdkHandlerStatic] handler onShopping is static")
        .inFile(controller)
        .onLineContaining("static void onShopping");
  }

  @Test
  void handlerNotVoid() {
    JavaFileObject controller =
        controller(
            """
              @EventHandler("Goods:Shopping")
              boolean onShopping(GoodsObj goods) {
                return true;
              }
            """);
    assertThat(compile(VALID_GOODS, controller))
        .hadErrorContaining("[SdkHandlerNotVoid] handler onShopping returns boolean")
        .inFile(controller)
        .onLineContaining("boolean onShopping");
  }

  @Test
  void handlerParameters() {
    JavaFileObject controller =
        controller(
            """
              @EventHandler("Goods:Shopping")
              void onShopping(GoodsObj goods, EventContext context, String extra) {}
            """);
    assertThat(compile(VALID_GOODS, controller))
        .hadErrorContaining("[SdkHandlerParameters] handler onShopping has 3 parameters")
        .inFile(controller)
        .onLineContaining("String extra");
  }

  @Test
  void handlerWithoutParameters() {
    JavaFileObject controller =
        controller(
            """
              @EventHandler("Goods:Shopping")
              void onShopping() {}
            """);
    assertThat(compile(VALID_GOODS, controller))
        .hadErrorContaining("[SdkHandlerParameters] handler onShopping has 0 parameters")
        .inFile(controller)
        .onLineContaining("void onShopping()");
  }

  @Test
  void handlerSecondParameter() {
    JavaFileObject controller =
        controller(
            """
              @EventHandler("Goods:Shopping")
              void onShopping(GoodsObj goods, String extra) {}
            """);
    assertThat(compile(VALID_GOODS, controller))
        .hadErrorContaining(
            "[SdkHandlerSecondParameter] the second parameter of handler onShopping is"
                + " java.lang.String; it must be EventContext or EventEnvelope")
        .inFile(controller)
        .onLineContaining("String extra");
  }

  @Test
  void duplicateHandler() {
    JavaFileObject controller =
        controller(
            """
              @EventHandler("Goods:Shopping")
              void onShopping(GoodsObj goods) {}

              @EventHandler("Goods:Shopping")
              void alsoOnShopping(GoodsObj goods) {}
            """);
    assertThat(compile(VALID_GOODS, controller))
        .hadErrorContaining(
            "[SdkDuplicateHandler] onShopping and alsoOnShopping both handle \"Goods:Shopping\" in"
                + " StoreController")
        .inFile(controller)
        .onLineContaining("alsoOnShopping");
  }

  @Test
  void handlerTargetNeither() {
    JavaFileObject controller =
        controller(
            """
              @EventHandler
              void onShopping(GoodsObj goods) {}
            """);
    assertThat(compile(VALID_GOODS, controller))
        .hadErrorContaining(
            "[SdkHandlerTarget] @EventHandler on onShopping names neither an event nor a topic")
        .inFile(controller)
        .onLineContaining("@EventHandler");
  }

  @Test
  void handlerTargetBoth() {
    JavaFileObject controller =
        controller(
            """
              @EventHandler(value = "Goods:Shopping", topic = "shop.goods")
              void onShopping(GoodsObj goods) {}
            """);
    assertThat(compile(VALID_GOODS, controller))
        .hadErrorContaining(
            "[SdkHandlerTarget] @EventHandler on onShopping names both an event and a topic")
        .inFile(controller)
        .onLineContaining("topic = \"shop.goods\"");
  }

  @Test
  void handlerClassMustBeReachable() {
    JavaFileObject controller =
        controller(
            """
              private static final class Hidden {
                @EventHandler("Goods:Shopping")
                void onShopping(GoodsObj goods) {}
              }
            """);
    assertThat(compile(VALID_GOODS, controller))
        .hadErrorContaining("[SdkHandlerClass] handler class shop.StoreController.Hidden")
        .inFile(controller)
        .onLineContaining("class Hidden");
  }

  @Test
  void genericPayloadRaised() {
    JavaFileObject goods =
        goods(
            """
              void raise() {
                List<String> lines = List.of("a");
                domainEvent("Goods:Shopping", lines);
              }
            """);
    assertThat(compile(goods))
        .hadErrorContaining("[SdkGenericPayload] the payload of \"Goods:Shopping\" is List<String>")
        .inFile(goods)
        .onLineContaining("domainEvent(\"Goods:Shopping\", lines)");
  }

  @Test
  void genericPayloadHandled() {
    JavaFileObject controller =
        controller(
            """
              @EventHandler(topic = "lines")
              void onLines(java.util.Optional<String> lines) {}
            """);
    // A List would be a batch handler, checked on its elements (see batchElementType).
    assertThat(compile(VALID_GOODS, controller))
        .hadErrorContaining(
            "[SdkGenericPayload] the payload of handler onLines is"
                + " java.util.Optional<java.lang.String>")
        .inFile(controller)
        .onLineContaining("Optional<String> lines");
  }

  @Test
  void unresolvedTypeIsReportedAfterTheLastRound() {
    JavaFileObject goods =
        goods(
            """
              private Missing missing;

              void raise() {
                domainEvent("Goods:Shopping", missing);
              }
            """);
    Compilation compilation = compile(goods);
    assertThat(compilation)
        .hadErrorContaining(
            "[SdkUnresolvedType] cannot resolve the type Missing used by \"Goods:Shopping\"")
        .inFile(goods)
        .onLineContaining("domainEvent(\"Goods:Shopping\", missing)");
  }

  @Test
  void unknownMethodWithoutACloseSpellingSaysHowToNameIt() {
    JavaFileObject goods =
        goods(
            """
              void raise() {
                domainEvent("Goods:Teleported", goods);
              }
            """);
    assertThat(compile(goods))
        .hadErrorContaining(
            "[SdkUnknownMethod] \"Goods:Teleported\" names no method of Goods. Name the event after"
                + " a method of Goods, with its first letter upper-cased")
        .inFile(goods)
        .onLineContaining("Teleported");
  }

  @Test
  void constantOfAnotherEntity() {
    JavaFileObject goods =
        goods(
            """
              void raise() {
                domainEvent(OrderEvents.PLACED, goods);
              }
            """);
    assertThat(compile(goods))
        .hadErrorContaining("[SdkWrongEntity] \"OrderEvents.PLACED\" is raised by Goods")
        .inFile(goods)
        .onLineContaining("OrderEvents.PLACED");
  }

  @Test
  void declarationConflict() {
    JavaFileObject goods =
        goods(
            """
              @RaisesEvent(value = "Goods:Shopping", payload = GoodsObj.class, topic = "shop.a")
              void raise() {}

              @RaisesEvent(value = "Goods:Shopping", payload = GoodsObj.class, topic = "shop.b")
              void raiseAgain() {}
            """);
    assertThat(compile(goods))
        .hadErrorContaining("[SdkDeclarationConflict] \"Goods:Shopping\" is declared again")
        .inFile(goods)
        .onLineContaining("shop.b");
  }

  @Test
  void generatedCodeIsLintClean() {
    JavaFileObject controller =
        controller(
            """
              @EventHandler("Goods:Shopping")
              void onShopping(GoodsObj goods, EventContext context) throws Exception {}

              @EventHandler(topic = "event-sell")
              void onSell(GoodsSold sold, EventEnvelope envelope) {}
            """);
    Compilation compilation =
        Compilers.sdk()
            .withOptions("-Xlint:all,-processing", "-Werror")
            .compile(ShopSources.GOODS_OBJ, GOODS_SOLD, VALID_GOODS, controller);
    assertThat(compilation).succeededWithoutWarnings();
  }

  @Test
  void registryOptionMustBeAClassName() {
    Compilation compilation =
        Compilers.sdk()
            .withOptions("-Adomainevents.registry=com.acme.Shop Registry")
            .compile(ShopSources.GOODS_OBJ, VALID_GOODS);
    assertThat(compilation)
        .hadErrorContaining(
            "[SdkRegistryOption] -Adomainevents.registry=com.acme.Shop Registry is not");
  }

  @Test
  void genericHandlerClassGetsLintCleanDispatcher() {
    JavaFileObject repository =
        JavaFileObjects.forSourceString(
            "shop.Projection",
            """
            package shop;

            public class Projection<T extends Comparable<T>, U> {
              @dev.domainevents.EventHandler("Goods:Shopping")
              void onShopping(GoodsObj goods) {}
            }
            """);
    Compilation compilation =
        Compilers.sdk()
            .withOptions("-Xlint:all,-processing", "-Werror")
            .compile(ShopSources.GOODS_OBJ, VALID_GOODS, repository);
    assertThat(compilation).succeededWithoutWarnings();
    assertThat(compilation)
        .generatedSourceFile("shop.Projection_EventDispatcher")
        .contentsAsUtf8String()
        .contains("private final Projection<?, ?> handler;");
  }

  @Test
  void everyCallSiteMustShowItsPayloadType() {
    JavaFileObject goods =
        goods(
            """
              void raise() {
                domainEvent("Goods:Shopping", goods);
              }

              void raiseFromAnywhere(Object anything) {
                domainEvent("Goods:Shopping", pick(anything));
              }

              GoodsObj pick(Object anything) {
                return goods;
              }
            """);
    assertThat(compile(goods))
        .hadErrorContaining(
            "[SdkPayloadUnknown] cannot tell the payload type of \"Goods:Shopping\"")
        .inFile(goods)
        .onLineContaining("pick(anything));");
  }

  @Test
  void handlersOfABrokenEntityAreNotReportedTwice() {
    JavaFileObject goods =
        goods(
            """
              void raise() {
                domainEvent("Goods:Shopin", goods);
              }
            """);
    JavaFileObject controller =
        controller(
            """
              @EventHandler("Goods:Shopping")
              void onShopping(GoodsObj goods) {}
            """);
    Compilation compilation = compile(goods, controller);
    assertThat(compilation)
        .hadErrorContaining("[SdkUnknownMethod]")
        .inFile(goods)
        .onLineContaining("Shopin");
    assertThat(compilation).hadErrorCount(1);
  }

  // Derived names: every topic and constant generated code will use is checked like an override.

  @Test
  void entityNameThatCannotStartAnEventName() {
    JavaFileObject shelf =
        JavaFileObjects.forSourceString(
            "shop.Shelf$Row",
            """
            package shop;

            public final class Shelf$Row extends dev.domainevents.Entity {
              public void filled() {
                domainEvent("Shelf$Row:Filled", new GoodsObj(1, "tea", 1));
              }

              @Override
              public String identity() {
                return "1";
              }
            }
            """);
    assertThat(compile(shelf))
        .hadErrorContaining("[SdkEntityName] entity shop.Shelf$Row cannot raise events")
        .inFile(shelf)
        .onLineContaining("domainEvent(\"Shelf$Row:Filled\"");
  }

  @Test
  void methodNameWithANonAsciiLetter() {
    JavaFileObject goods =
        goods(
            """
              public void caf\u00e9() {
                domainEvent("Goods:Caf\u00e9", goods);
              }
            """);
    assertThat(compile(goods))
        .hadErrorContaining("[SdkNameFormat] \"Goods:Caf\u00e9\" is not an event name")
        .inFile(goods)
        .onLineContaining("domainEvent(\"Goods:Caf\u00e9\"");
  }

  @Test
  void methodNameWithADollar() {
    JavaFileObject goods =
        goods(
            """
              public void ship$it() {
                domainEvent("Goods:Ship$it", goods);
              }
            """);
    assertThat(compile(goods))
        .hadErrorContaining("[SdkNameFormat] \"Goods:Ship$it\" is not an event name")
        .inFile(goods)
        .onLineContaining("domainEvent(\"Goods:Ship$it\"");
  }

  @Test
  void twoEventsThatBecomeOneConstant() {
    JavaFileObject goods =
        goods(
            """
              public void fooBar() {
                domainEvent("Goods:FooBar", goods);
              }

              public void foo_bar() {
                domainEvent("Goods:Foo_bar", goods);
              }
            """);
    Compilation compilation = compile(goods);
    assertThat(compilation)
        .hadErrorContaining(
            "[SdkConstantClash] \"Goods:FooBar\" and \"Goods:Foo_bar\" would both be the constant"
                + " GoodsEvents.FOO_BAR")
        .inFile(goods)
        .onLineContaining("domainEvent(\"Goods:Foo_bar\"");
    // The clash is caught before any code is generated, not by javac inside GoodsEvents.
    assertThat(compilation).hadErrorCount(1);
  }

  @Test
  void topicOverrideTooLongForItsRetryTopic() {
    String topic = "t".repeat(245);
    JavaFileObject goods =
        goods(
            "  @RaisesEvent(value = \"Goods:Shopping\", payload = GoodsObj.class, topic = \""
                + topic
                + "\")\n  void raise() {}\n");
    assertThat(compile(goods))
        .hadErrorContaining("[SdkTopicTooLong] \"" + topic + "\" is too long for an event topic")
        .inFile(goods)
        .onLineContaining("topic = \"ttt");
  }

  @Test
  void defaultTopicTooLongForItsRetryTopic() {
    // "ABcBc...:Go", with "Bc" x 82, is a legal event name of 168 characters, but the default topic
    // of its aggregate type, a-bc-bc-..., has 247, and retry-a-bc-... would exceed Kafka's 249.
    String entity = "A" + "Bc".repeat(82);
    String event = entity + ":Go";
    JavaFileObject source =
        JavaFileObjects.forSourceString(
            "shop." + entity,
            "package shop;\n"
                + "public final class "
                + entity
                + " extends dev.domainevents.Entity {\n"
                + "  public void go() {\n"
                + "    domainEvent(\""
                + event
                + "\", new GoodsObj(1, \"tea\", 3));\n"
                + "  }\n"
                + "  @Override public String identity() { return \"1\"; }\n"
                + "}\n");
    assertThat(compile(source))
        .hadErrorContaining("[SdkTopicTooLong] the default topic of \"" + event + "\"")
        .inFile(source)
        .onLineContaining("domainEvent(\"" + event);
  }

  @Test
  void privateNestedPayload() {
    JavaFileObject goods =
        goods(
            """
              private record Secret(int value) {}

              void raise() {
                domainEvent("Goods:Shopping", new Secret(1));
              }
            """);
    assertThat(compile(goods))
        .hadErrorContaining(
            "[SdkPayloadNotAccessible] the payload of \"Goods:Shopping\" is shop.Goods.Secret,"
                + " which generated code in package shop cannot name")
        .inFile(goods)
        .onLineContaining("new Secret(1)");
  }

  // Payloads that cannot be decoded by their class alone.

  @Test
  void interfacePayloadByACast() {
    JavaFileObject goods =
        goods(
            """
              interface Shippable {}

              void raise(Object parcel) {
                domainEvent("Goods:Shopping", (Shippable) parcel);
              }
            """);
    assertThat(compile(goods))
        .hadErrorContaining(
            "[SdkPayloadNotDecodable] the payload of \"Goods:Shopping\" is the interface"
                + " shop.Goods.Shippable")
        .inFile(goods)
        .onLineContaining("(Shippable) parcel");
  }

  @Test
  void payloadFieldDeclaredObject() {
    JavaFileObject goods =
        goods(
            """
              private Object anything = goods;

              void raise() {
                domainEvent("Goods:Shopping", anything);
              }
            """);
    assertThat(compile(goods))
        .hadErrorContaining(
            "[SdkPayloadNotDecodable] the payload of \"Goods:Shopping\" is declared as Object")
        .inFile(goods)
        .onLineContaining("domainEvent(\"Goods:Shopping\", anything)");
  }

  @Test
  void abstractClassPayloadDeclared() {
    JavaFileObject goods =
        goods(
            """
              abstract static class Parcel {}

              @RaisesEvent(value = "Goods:Shopping", payload = Parcel.class)
              void raise() {}
            """);
    assertThat(compile(goods))
        .hadErrorContaining(
            "[SdkPayloadNotDecodable] the payload of \"Goods:Shopping\" is the abstract class"
                + " shop.Goods.Parcel")
        .inFile(goods)
        .onLineContaining("payload = Parcel.class");
  }

  @Test
  void anonymousClassPayload() {
    JavaFileObject goods =
        goods(
            """
              void raise() {
                domainEvent("Goods:Shopping", new Object() {});
              }
            """);
    assertThat(compile(goods))
        .hadErrorContaining(
            "[SdkPayloadNotDecodable] the payload of \"Goods:Shopping\" is an anonymous class")
        .inFile(goods)
        .onLineContaining("new Object() {}");
  }

  @Test
  void raiseOnAnotherInstanceOfTheEntityIsChecked() {
    JavaFileObject goods =
        goods(
            """
              void raiseOn(Goods other) {
                other.domainEvent("Goods:Shoping", goods);
              }
            """);
    assertThat(compile(goods))
        .hadErrorContaining("[SdkUnknownMethod] \"Goods:Shoping\" names no method of Goods")
        .inFile(goods)
        .onLineContaining("other.domainEvent(\"Goods:Shoping\"");
  }

  @Test
  void raisesEventOutsideAnEntity() {
    JavaFileObject helper =
        JavaFileObjects.forSourceString(
            "shop.Helper",
            """
            package shop;

            import dev.domainevents.RaisesEvent;

            final class Helper {
              @RaisesEvent(value = "Goods:Shopping", payload = GoodsObj.class)
              void shopping() {}
            }
            """);
    assertThat(compile(VALID_GOODS, helper))
        .hadErrorContaining(
            "[SdkRaisesOutsideEntity] @RaisesEvent on shopping of shop.Helper has no effect")
        .inFile(helper)
        .onLineContaining("@RaisesEvent(value = \"Goods:Shopping\"");
  }

  @Test
  void handlerTopicTooLongForItsRetryTopic() {
    String topic = "s".repeat(244);
    JavaFileObject controller =
        controller(
            "  @EventHandler(topic = \"" + topic + "\")\n  void onSell(GoodsSold sold) {}\n");
    assertThat(compile(VALID_GOODS, controller))
        .hadErrorContaining("[SdkTopicTooLong] \"" + topic + "\" is too long")
        .inFile(controller)
        .onLineContaining("topic = \"sss");
  }

  // Call sites that used to be rejected although they show their payload type.

  @Test
  void varLocalWithANewInstanceIsAccepted() {
    JavaFileObject goods =
        goods(
            """
              void raise() {
                var fresh = new GoodsObj(2, "coffee", 5);
                domainEvent("Goods:Shopping", fresh);
              }
            """);
    Compilation compilation = compile(goods);
    assertThat(compilation).succeededWithoutWarnings();
    assertThat(compilation)
        .generatedSourceFile("shop.GoodsEvents")
        .contentsAsUtf8String()
        .contains("EventType<GoodsObj> SHOPPING = EventType.of(\"Goods:Shopping\", GoodsObj.class");
  }

  @Test
  void enumConstantPayloadIsAccepted() {
    JavaFileObject level =
        JavaFileObjects.forSourceString(
            "shop.Level", "package shop; public enum Level { LOW, HIGH }");
    JavaFileObject goods =
        goods(
            """
              void raise() {
                domainEvent("Goods:Restock", Level.LOW);
              }
            """);
    Compilation compilation = compile(level, goods);
    assertThat(compilation).succeededWithoutWarnings();
    assertThat(compilation)
        .generatedSourceFile("shop.GoodsEvents")
        .contentsAsUtf8String()
        .contains("EventType<Level> RESTOCK = EventType.of(\"Goods:Restock\", Level.class");
  }

  @Test
  void batchElementType() {
    JavaFileObject controller =
        controller(
            """
              @EventHandler("Goods:Shopping")
              void onSold(List<GoodsSold> sold) {}
            """);
    assertThat(compile(VALID_GOODS, controller))
        .hadErrorContaining(
            "[SdkBatchElementType] batch handler onSold takes List<GoodsSold> but"
                + " \"Goods:Shopping\" carries GoodsObj; change the parameter to List<GoodsObj>")
        .inFile(controller)
        .onLineContaining("List<GoodsSold> sold");
  }

  @Test
  void batchRawList() {
    JavaFileObject controller =
        controller(
            """
              @SuppressWarnings("rawtypes")
              @EventHandler("Goods:Shopping")
              void onShopping(List goods) {}
            """);
    assertThat(compile(VALID_GOODS, controller))
        .hadErrorContaining("[SdkBatchRawList] handler onShopping takes a raw List")
        .inFile(controller)
        .onLineContaining("List goods");
  }

  @Test
  void batchWildcard() {
    JavaFileObject controller =
        controller(
            """
              @EventHandler("Goods:Shopping")
              void onShopping(List<? extends GoodsObj> goods) {}
            """);
    assertThat(compile(VALID_GOODS, controller))
        .hadErrorContaining(
            "[SdkBatchWildcard] handler onShopping takes java.util.List<? extends"
                + " shop.GoodsObj>; a batch handler takes a List of the payload type itself, e.g."
                + " List<GoodsObj>, without a wildcard")
        .inFile(controller)
        .onLineContaining("List<? extends GoodsObj> goods");
  }

  @Test
  void batchCollection() {
    JavaFileObject controller =
        controller(
            """
              @EventHandler("Goods:Shopping")
              void onShopping(java.util.Set<GoodsObj> goods) {}

              @EventHandler("Goods:Restock")
              void onRestock(Restocked[] restocked) {}
            """);
    Compilation compilation = compile(VALID_GOODS, controller);
    assertThat(compilation)
        .hadErrorContaining(
            "[SdkBatchCollection] handler onShopping takes java.util.Set<shop.GoodsObj>; a batch"
                + " handler takes a java.util.List of the payload type, e.g. List<GoodsObj>")
        .inFile(controller)
        .onLineContaining("Set<GoodsObj> goods");
    assertThat(compilation)
        .hadErrorContaining("[SdkBatchCollection] handler onRestock takes shop.Restocked[]")
        .inFile(controller)
        .onLineContaining("Restocked[] restocked");
  }

  @Test
  void batchSecondParameter() {
    JavaFileObject controller =
        controller(
            """
              @EventHandler("Goods:Shopping")
              void onShopping(List<GoodsObj> goods, EventContext context) {}
            """);
    assertThat(compile(VALID_GOODS, controller))
        .hadErrorContaining(
            "[SdkBatchSecondParameter] the second parameter of batch handler onShopping is"
                + " dev.domainevents.EventContext; it must be List<EventContext>")
        .inFile(controller)
        .onLineContaining("EventContext context");
  }

  @Test
  void batchHandlersOfEventsAndTopicsAreAccepted() {
    JavaFileObject controller =
        controller(
            """
              @EventHandler("Goods:Shopping")
              void onShopping(List<GoodsObj> goods, List<EventContext> contexts) {}

              @EventHandler(topic = "event-sell")
              void onSell(List<GoodsSold> sold) {}
            """);
    Compilation compilation = compile(VALID_GOODS, controller);
    assertThat(compilation).succeededWithoutWarnings();
    assertThat(compilation)
        .generatedSourceFile("shop.StoreController_EventDispatcher")
        .contentsAsUtf8String()
        .contains("BATCH_EVENTS = Set.of(\"Goods:Shopping\", \"event-sell\")");
  }
}
