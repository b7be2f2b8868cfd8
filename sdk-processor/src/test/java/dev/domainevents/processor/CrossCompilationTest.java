package dev.domainevents.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Handlers in one compilation naming events of entities compiled earlier: the processor reads the
 * earlier compilation's index resource from the class path.
 */
class CrossCompilationTest {
  @TempDir Path shopModule;
  private List<File> classPath;

  @BeforeEach
  void compileTheShopModule() {
    Compilation shop =
        Compilers.sdk()
            .compile(
                ShopSources.GOODS_OBJ,
                ShopSources.LINE_ADDED,
                ShopSources.RESTOCKED,
                ShopSources.GOODS);
    assertThat(shop).succeededWithoutWarnings();
    Compilers.writeClassOutput(shop, shopModule);
    classPath = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      classPath.add(new File(entry));
    }
    classPath.add(shopModule.toFile());
  }

  private Compilation compileHandler(String body) {
    JavaFileObject handler =
        JavaFileObjects.forSourceString(
            "billing.Billing",
            "package billing;\n\nimport dev.domainevents.EventHandler;\nimport shop.*;\n\n"
                + "public class Billing {\n"
                + body
                + "\n}\n");
    return Compilers.sdk().withClasspath(classPath).compile(handler);
  }

  @Test
  void handlerOfAnEventRaisedInAnotherCompilation() {
    Compilation compilation =
        compileHandler("  @EventHandler(\"Goods:Shopping\")\n  void onShopping(GoodsObj goods) {}");
    assertThat(compilation).succeededWithoutWarnings();
    assertThat(compilation).generatedSourceFile("billing.Billing_EventDispatcher").isNotNull();
    assertThat(compilation).generatedSourceFile("billing.GeneratedEventRegistry").isNotNull();
  }

  @Test
  void misspelledEventOfAnotherCompilationSuggestsTheRightOne() {
    Compilation compilation =
        compileHandler(
            "  @EventHandler(\"Goods:Restok\")\n  void onRestock(Restocked restocked) {}");
    assertThat(compilation)
        .hadErrorContaining(
            "[SdkUnknownEvent] no entity raises \"Goods:Restok\". Did you mean \"Goods:Restock\"?")
        .inFile(compilation.sourceFiles().get(0))
        .onLineContaining("Goods:Restok");
  }

  @Test
  void payloadMismatchWithAnEventOfAnotherCompilation() {
    Compilation compilation =
        compileHandler("  @EventHandler(\"Goods:AddLine\")\n  void onLine(Restocked restocked) {}");
    assertThat(compilation)
        .hadErrorContaining(
            "[SdkPayloadMismatch] handler onLine expects Restocked but \"Goods:AddLine\" carries"
                + " LineAdded")
        .inFile(compilation.sourceFiles().get(0))
        .onLineContaining("Restocked restocked");
  }

  @Test
  void staleIndexOfAnEntityBeingRecompiledIsIgnored() {
    // Goods is compiled again without restock(); the old index on the class path still lists it.
    JavaFileObject goods =
        JavaFileObjects.forSourceString(
            "shop.Goods",
            """
            package shop;

            public final class Goods extends dev.domainevents.Entity {
              public void shopping() {
                domainEvent("Goods:Shopping", new GoodsObj(1, "tea", 1));
              }

              @Override
              public String identity() {
                return "1";
              }
            }
            """);
    JavaFileObject handler =
        JavaFileObjects.forSourceString(
            "shop.Auditor",
            """
            package shop;

            class Auditor {
              @dev.domainevents.EventHandler("Goods:Restock")
              void onRestock(Restocked restocked) {}
            }
            """);
    Compilation compilation = Compilers.sdk().withClasspath(classPath).compile(goods, handler);
    assertThat(compilation)
        .hadErrorContaining("[SdkUnknownEvent] no entity raises \"Goods:Restock\"")
        .inFile(handler)
        .onLineContaining("Goods:Restock");
  }

  @Test
  void eventRaisedAlsoByAnEntityOfAnotherModule() {
    // warehouse.Goods raises Goods:Shopping, which the shop module on the class path raises too:
    // both would be installed together, so this compilation fails, not DomainEvents.install.
    JavaFileObject goods = ShopSources.WAREHOUSE_GOODS;
    Compilation compilation = Compilers.sdk().withClasspath(classPath).compile(goods);
    assertThat(compilation)
        .hadErrorContaining("[SdkDuplicateEvent] \"Goods:Shopping\" is raised by both shop.Goods")
        .inFile(goods)
        .onLineContaining("public class Goods");
    assertThat(compilation).hadErrorContaining("and warehouse.Goods");
  }

  @Test
  void ownIndexFromThePreviousBuildIsNoDuplicate() {
    // The entity moved from shop to warehouse within one module: the class output still holds the
    // previous build's Goods.events, naming shop.Goods, and is on the class path as in Maven.
    Path classes = shopModule.resolve("incremental-classes");
    Compilers.DirectoryCompilation before =
        Compilers.compileInDirectories(
            shopModule.resolve("before"),
            classes,
            List.of(
                ShopSources.GOODS_OBJ,
                ShopSources.LINE_ADDED,
                ShopSources.RESTOCKED,
                ShopSources.GOODS));
    assertThat(before.errors()).isEmpty();
    JavaFileObject moved = ShopSources.WAREHOUSE_GOODS;
    Compilers.DirectoryCompilation after =
        Compilers.compileInDirectories(
            shopModule.resolve("after"), classes, List.of(ShopSources.GOODS_OBJ, moved));
    assertThat(after.errors()).isEmpty();
    assertThat(after.succeeded()).isTrue();
  }
}
