package dev.domainevents.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * One topic per aggregate type by default, {@code @EventTopic} for the entity,
 * {@code @RaisesEvent(topic = ...)} for one event, and the {@code [SdkSplitAggregate]} warning.
 */
class AggregateTopicsTest {
  private static JavaFileObject order(String annotation, String restockDeclaration) {
    return JavaFileObjects.forSourceString(
        "shop.Order",
        "package shop;\n"
            + "\n"
            + "import dev.domainevents.Entity;\n"
            + "import dev.domainevents.EventTopic;\n"
            + "import dev.domainevents.RaisesEvent;\n"
            + "\n"
            + annotation
            + "\n"
            + "public final class Order extends Entity {\n"
            + "  public void shopping() {\n"
            + "    domainEvent(\"Order:Shopping\", new GoodsObj(1, \"tea\", 3));\n"
            + "  }\n"
            + "\n"
            + restockDeclaration
            + "\n"
            + "  public void restock() {\n"
            + "    domainEvent(\"Order:Restock\", new Restocked(1, 2));\n"
            + "  }\n"
            + "\n"
            + "  @Override\n"
            + "  public String identity() {\n"
            + "    return \"1\";\n"
            + "  }\n"
            + "}\n");
  }

  private static Compilation compile(JavaFileObject entity) {
    return Compilers.sdk().compile(ShopSources.GOODS_OBJ, ShopSources.RESTOCKED, entity);
  }

  private static String constants(Compilation compilation) {
    try {
      return compilation
          .generatedSourceFile("shop.OrderEvents")
          .orElseThrow()
          .getCharContent(true)
          .toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void everyEventOfAnEntityGoesToTheTopicOfItsAggregateType() {
    Compilation compilation = compile(order("", ""));
    assertThat(compilation).succeededWithoutWarnings();
    String constants = constants(compilation);
    assertThat(constants).contains("\"Order:Shopping\", GoodsObj.class, \"order\", 1)");
    assertThat(constants).contains("\"Order:Restock\", Restocked.class, \"order\", 1)");
  }

  @Test
  void eventTopicOnTheEntityMovesAllItsEvents() {
    Compilation compilation = compile(order("@EventTopic(\"shop.orders\")", ""));
    assertThat(compilation).succeededWithoutWarnings();
    String constants = constants(compilation);
    assertThat(constants).contains("\"Order:Shopping\", GoodsObj.class, \"shop.orders\", 1)");
    assertThat(constants).contains("\"Order:Restock\", Restocked.class, \"shop.orders\", 1)");
  }

  @Test
  void anEventOverrideThatSplitsTheAggregateIsAWarning() {
    JavaFileObject order =
        order(
            "",
            "  @RaisesEvent(value = \"Order:Restock\", payload = Restocked.class, topic ="
                + " \"order.restock\")");
    Compilation compilation = compile(order);
    assertThat(compilation).succeeded();
    assertThat(compilation).hadWarningCount(1);
    assertThat(compilation)
        .hadWarningContaining(
            "[SdkSplitAggregate] \"Order:Restock\" goes to topic order.restock, but Order's other"
                + " events go to order")
        .inFile(order)
        .onLineContaining("topic = \"order.restock\"");
    assertThat(constants(compilation))
        .contains("\"Order:Restock\", Restocked.class, \"order.restock\", 1)");
  }

  @Test
  void anEventOverrideThatSplitsAnEventTopicIsAWarningToo() {
    JavaFileObject order =
        order(
            "@EventTopic(\"shop.orders\")",
            "  @RaisesEvent(value = \"Order:Restock\", payload = Restocked.class, topic ="
                + " \"shop.restocks\")");
    assertThat(compile(order))
        .hadWarningContaining("[SdkSplitAggregate] \"Order:Restock\" goes to topic shop.restocks")
        .inFile(order)
        .onLineContaining("topic = \"shop.restocks\"");
  }

  @Test
  void anOverrideThatRepeatsTheEntityTopicSplitsNothing() {
    JavaFileObject order =
        order(
            "",
            "  @RaisesEvent(value = \"Order:Restock\", payload = Restocked.class, topic ="
                + " \"order\")");
    assertThat(compile(order)).succeededWithoutWarnings();
  }

  @Test
  void anIllegalEventTopicIsAnError() {
    JavaFileObject order = order("@EventTopic(\"shop orders\")", "");
    assertThat(compile(order))
        .hadErrorContaining("[SdkIllegalTopic] \"shop orders\" is not a legal Kafka topic name")
        .inFile(order)
        .onLineContaining("@EventTopic(\"shop orders\")");
  }
}
