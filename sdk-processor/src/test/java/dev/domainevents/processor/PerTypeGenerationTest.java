package dev.domainevents.processor;

import static com.google.common.truth.Truth.assertThat;

import com.google.testing.compile.JavaFileObjects;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Generation is decided per type: one broken entity fails the build, but does not starve the other
 * entities and handlers of their generated sources, so the IDE and the next error message are not
 * buried under "cannot find symbol GoodsEvents".
 */
class PerTypeGenerationTest {
  private static final JavaFileObject BROKEN_GOODS =
      JavaFileObjects.forSourceString(
          "shop.Goods",
          """
          package shop;

          public final class Goods extends dev.domainevents.Entity {
            public void shopping() {
              domainEvent("Goods:Shopin", new GoodsObj(1, "tea", 1));
            }

            @Override
            public String identity() {
              return "1";
            }
          }
          """);

  private static final JavaFileObject ORDER =
      JavaFileObjects.forSourceString(
          "shop.Order",
          """
          package shop;

          public final class Order extends dev.domainevents.Entity {
            public void place() {
              domainEvent("Order:Place", new LineAdded(1, "tea"));
            }

            @Override
            public String identity() {
              return "o-1";
            }
          }
          """);

  private static final JavaFileObject ORDER_DESK =
      JavaFileObjects.forSourceString(
          "shop.OrderDesk",
          """
          package shop;

          import dev.domainevents.EventHandler;

          public class OrderDesk {
            @EventHandler("Order:Place")
            void onPlace(LineAdded line) {}
          }
          """);

  private static final JavaFileObject SHELF_WATCHER =
      JavaFileObjects.forSourceString(
          "shop.ShelfWatcher",
          """
          package shop;

          import dev.domainevents.EventHandler;

          public class ShelfWatcher {
            @EventHandler("Goods:Shopping")
            void onShopping(GoodsObj goods) {}
          }
          """);

  @TempDir Path work;

  @Test
  void oneBrokenEntityStillLetsTheOthersGenerate() throws IOException {
    // javac on real directories, as a build runs it: compile-testing hides the generated files of
    // a failed compilation.
    Compilers.DirectoryCompilation compilation =
        Compilers.compileInDirectories(
            work,
            work.resolve("classes"),
            List.of(
                ShopSources.GOODS_OBJ,
                ShopSources.LINE_ADDED,
                BROKEN_GOODS,
                ORDER,
                ORDER_DESK,
                SHELF_WATCHER));

    assertThat(compilation.succeeded()).isFalse();
    assertThat(compilation.errors()).hasSize(1);
    Diagnostic<? extends JavaFileObject> error = compilation.errors().get(0);
    assertThat(error.getMessage(Locale.ROOT))
        .startsWith("[SdkUnknownMethod] \"Goods:Shopin\" names no method of Goods");
    assertThat(error.getSource().getName()).endsWith("shop/Goods.java");
    assertThat(error.getLineNumber()).isEqualTo(lineOf(BROKEN_GOODS, "Goods:Shopin"));

    Path generated = compilation.generatedSources();
    assertThat(Files.readString(generated.resolve("shop/OrderEvents.java")))
        .contains("EventType<LineAdded> PLACE = EventType.of(\"Order:Place\", LineAdded.class");
    assertThat(Files.readString(generated.resolve("shop/OrderDesk_EventDispatcher.java")))
        .contains("handler.onPlace((LineAdded) context.envelope().payload())");

    // Nothing is generated from the broken entity or for a handler of its events, and no registry
    // is written that would leave the broken entity out.
    List<String> written = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(generated)) {
      walk.filter(Files::isRegularFile)
          .forEach(f -> written.add(generated.relativize(f).toString()));
    }
    assertThat(written)
        .containsExactly("shop/OrderEvents.java", "shop/OrderDesk_EventDispatcher.java");
  }

  private static long lineOf(JavaFileObject source, String text) throws IOException {
    String[] lines = source.getCharContent(true).toString().split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      if (lines[i].contains(text)) {
        return i + 1;
      }
    }
    throw new AssertionError(text + " is not in " + source.getName());
  }
}
