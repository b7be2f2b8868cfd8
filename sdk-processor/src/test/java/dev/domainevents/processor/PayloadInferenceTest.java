package dev.domainevents.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/** The payload type is read from every kind of call site the processor promises to understand. */
class PayloadInferenceTest {
  private static final JavaFileObject PAYLOADS =
      JavaFileObjects.forSourceString(
          "shop.payload.Payloads",
          """
          package shop.payload;

          public final class Payloads {
            public record Nested(int value) {}

            public record Star(int value) {}

            private Payloads() {}
          }
          """);

  private static final JavaFileObject SINGLE =
      JavaFileObjects.forSourceString(
          "shop.payload.Single", "package shop.payload; public record Single(int value) {}");

  private static final JavaFileObject WILD =
      JavaFileObjects.forSourceString(
          "shop.wild.Wild", "package shop.wild; public record Wild(int value) {}");

  @Test
  void everyDeclaredCallSiteForm() {
    JavaFileObject order =
        JavaFileObjects.forSourceString(
            "shop.Order",
            """
            package shop;

            import dev.domainevents.Entity;
            import java.util.List;
            import shop.payload.Payloads;
            import shop.payload.Single;
            import shop.wild.*;

            public final class Order extends Entity {
              record Local(int value) {}

              private final Single single = new Single(1);

              public void fromParameter(Payloads.Nested nested) {
                domainEvent("Order:FromParameter", nested);
              }

              public void fromField() {
                domainEvent("Order:FromField", (single));
              }

              public void fromQualifiedNew() {
                domainEvent("Order:FromQualifiedNew", new shop.payload.Payloads.Star(2));
              }

              public void fromOnDemandImport(List<Integer> values) {
                for (Integer value : values) {
                  Wild wild = new Wild(value);
                  domainEvent("Order:FromOnDemandImport", wild);
                }
              }

              public void fromLambda(List<Integer> values) {
                values.forEach(v -> {
                  Local local = new Local(v);
                  this.domainEvent("Order:FromLambda", local);
                });
              }

              public void fromCast(Object value) {
                domainEvent("Order:FromCast", (Single) value);
              }

              public void fromLoopVariable(List<Local> values) {
                for (Local value : values) {
                  domainEvent("Order:FromLoopVariable", value);
                }
              }

              @Override
              public String identity() {
                return "o-1";
              }
            }
            """);
    Compilation compilation = Compilers.sdk().compile(PAYLOADS, SINGLE, WILD, order);
    assertThat(compilation).succeededWithoutWarnings();
    String[] expected = {
      "EventType<Payloads.Nested> FROM_PARAMETER = EventType.of(\"Order:FromParameter\","
          + " Payloads.Nested.class",
      "EventType<Single> FROM_FIELD = EventType.of(\"Order:FromField\", Single.class",
      "EventType<Payloads.Star> FROM_QUALIFIED_NEW = EventType.of(\"Order:FromQualifiedNew\","
          + " Payloads.Star.class",
      "EventType<Wild> FROM_ON_DEMAND_IMPORT = EventType.of(\"Order:FromOnDemandImport\","
          + " Wild.class",
      "EventType<Single> FROM_CAST = EventType.of(\"Order:FromCast\", Single.class",
      "EventType<Order.Local> FROM_LAMBDA = EventType.of(\"Order:FromLambda\", Order.Local.class",
      "EventType<Order.Local> FROM_LOOP_VARIABLE = EventType.of(\"Order:FromLoopVariable\","
          + " Order.Local.class",
    };
    for (String constant : expected) {
      assertThat(compilation)
          .generatedSourceFile("shop.OrderEvents")
          .contentsAsUtf8String()
          .contains(constant);
    }
  }

  @Test
  void repeatedDeclarationsOnOneMethod() {
    JavaFileObject order =
        JavaFileObjects.forSourceString(
            "shop.Order",
            """
            package shop;

            import dev.domainevents.RaisesEvent;
            import shop.payload.Single;
            import shop.wild.Wild;

            public final class Order extends dev.domainevents.Entity {
              @RaisesEvent(value = "Order:Place", payload = Single.class)
              @RaisesEvent(value = "Order:Placed", payload = Wild.class, topic = "orders", version = 3)
              public void place() {}

              public void placed() {}

              @Override
              public String identity() {
                return "o-1";
              }
            }
            """);
    Compilation compilation = Compilers.sdk().compile(SINGLE, WILD, order);
    assertThat(compilation).succeeded();
    // Order:Placed's own topic splits Order's events: allowed, with a warning.
    assertThat(compilation).hadWarningCount(1);
    assertThat(compilation)
        .hadWarningContaining("[SdkSplitAggregate] \"Order:Placed\" goes to topic orders")
        .inFile(order);
    assertThat(compilation)
        .generatedSourceFile("shop.OrderEvents")
        .contentsAsUtf8String()
        .contains("PLACE = EventType.of(\"Order:Place\", Single.class, \"order\", 1)");
    assertThat(compilation)
        .generatedSourceFile("shop.OrderEvents")
        .contentsAsUtf8String()
        .contains("PLACED = EventType.of(\"Order:Placed\", Wild.class, \"orders\", 3)");
  }
}
