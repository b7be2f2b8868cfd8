package dev.domainevents.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import dev.domainevents.spi.EventCatalog;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code @Upcaster}: each message with its tag and line, and the chain in the registry. */
class UpcasterTest {
  @TempDir Path directory;

  private static final JavaFileObject GOODS_OBJ =
      JavaFileObjects.forSourceString(
          "shop.GoodsObj",
          "package shop;\n\npublic record GoodsObj(int goodsId, int quantity, String note) {}\n");

  /** Goods at version 3 of Goods:Shopping, with {@code upcasters} in its body. */
  private static JavaFileObject goods(String upcasters) {
    return JavaFileObjects.forSourceString(
        "shop.Goods",
        """
        package shop;

        import dev.domainevents.Entity;
        import dev.domainevents.RaisesEvent;
        import dev.domainevents.Upcaster;
        import java.util.Map;

        public final class Goods extends Entity {
          @RaisesEvent(value = "Goods:Shopping", version = 3)
          public void shopping(int amount) {
            domainEvent("Goods:Shopping", new GoodsObj(1, amount, ""));
          }

          @Override
          public String identity() {
            return "1";
          }
        """
            + upcasters
            + "\n}\n");
  }

  private static final String V1_TO_V2 =
      """
        @Upcaster(event = "Goods:Shopping", from = 1)
        public static Map<String, Object> amountBecomesQuantity(Map<String, Object> v1) {
          v1.put("quantity", v1.remove("amount"));
          return v1;
        }
      """;

  private static final String V2_TO_V3 =
      """
        @Upcaster(event = "Goods:Shopping", from = 2)
        public static Map<String, Object> noteAdded(Map<String, Object> v2) {
          v2.put("note", "none");
          return v2;
        }
      """;

  private Path lock() throws IOException {
    Path lock = directory.resolve("events.lock");
    Files.writeString(
        lock,
        """
        event Goods:Shopping
          version 1
            amount: int
            goodsId: int
          version 2
            goodsId: int
            quantity: int
          version 3
            goodsId: int
            note: string
            quantity: int
        """);
    return lock;
  }

  private Compilation compile(String upcasters) throws IOException {
    return Compilers.sdk()
        .withOptions("-Adomainevents.lock=" + lock())
        .compile(goods(upcasters), GOODS_OBJ);
  }

  @Test
  void completeChainIsGeneratedIntoTheRegistry() throws Exception {
    Compilation compilation = compile(V1_TO_V2 + V2_TO_V3);
    assertThat(compilation).succeededWithoutWarnings();
    assertThat(compilation)
        .generatedSourceFile("shop.GeneratedEventRegistry")
        .contentsAsUtf8String()
        .contains(
            """
              @Override
              public UnaryOperator<Map<String, Object>> upcaster(String event, int from) {
                if (from == 1 && event.equals("Goods:Shopping")) {
                  return Goods::amountBecomesQuantity;
                }
                if (from == 2 && event.equals("Goods:Shopping")) {
                  return Goods::noteAdded;
                }
                return null;
              }
            """);
    Path classes = Files.createDirectories(directory.resolve("classes"));
    Compilers.writeClassOutput(compilation, classes);
    try (URLClassLoader loader =
        new URLClassLoader(new URL[] {classes.toUri().toURL()}, getClass().getClassLoader())) {
      EventCatalog catalog = EventCatalog.load(loader);
      Map<String, Object> v1 = new HashMap<>(Map.of("goodsId", 7, "amount", 2));
      Map<String, Object> v3 =
          catalog
              .upcaster("Goods:Shopping", 2)
              .apply(catalog.upcaster("Goods:Shopping", 1).apply(v1));
      assertThat(v3).containsExactly("goodsId", 7, "quantity", 2, "note", "none");
      assertThat(catalog.upcaster("Goods:Shopping", 3)).isNull();
    }
  }

  @Test
  void missingUpcaster() throws IOException {
    JavaFileObject goods = goods(V1_TO_V2);
    Compilation compilation =
        Compilers.sdk().withOptions("-Adomainevents.lock=" + lock()).compile(goods, GOODS_OBJ);
    assertThat(compilation)
        .hadErrorContaining(
            "[SdkMissingUpcaster] \"Goods:Shopping\" is at version 3 and records of version 1 are"
                + " locked in")
        .inFile(goods)
        .onLineContaining("public void shopping");
    assertThat(compilation)
        .hadErrorContaining(
            "no upcaster turns version 2 into 3; add `@Upcaster(event ="
                + " \"Goods:Shopping\", from = 2)");
  }

  @Test
  void upcasterSignature() throws IOException {
    JavaFileObject goods =
        goods(
            V1_TO_V2
                + """
                  @Upcaster(event = "Goods:Shopping", from = 2)
                  public Map<String, Object> notStatic(Map<String, Object> v2) {
                    return v2;
                  }
                """);
    assertThat(
            Compilers.sdk().withOptions("-Adomainevents.lock=" + lock()).compile(goods, GOODS_OBJ))
        .hadErrorContaining("[SdkUpcasterSignature] upcaster Goods.notStatic must be declared")
        .inFile(goods)
        .onLineContaining("notStatic(");
    JavaFileObject wrongTypes =
        goods(
            """
              @Upcaster(event = "Goods:Shopping", from = 1)
              public static Object wrong(Map<String, String> v1) {
                return v1;
              }
            """);
    assertThat(Compilers.sdk().compile(wrongTypes, GOODS_OBJ))
        .hadErrorContaining("[SdkUpcasterSignature] upcaster Goods.wrong")
        .inFile(wrongTypes)
        .onLineContaining("wrong(");
  }

  @Test
  void upcasterTarget() {
    JavaFileObject goods =
        goods(
            """
              @Upcaster(event = "Goods:Selling", from = 1)
              public static Map<String, Object> unknown(Map<String, Object> v1) {
                return v1;
              }

              @Upcaster(event = "Goods:Shopping", from = 3)
              public static Map<String, Object> tooNew(Map<String, Object> v3) {
                return v3;
              }

              @Upcaster(event = "Goods:Shopping", from = 0)
              public static Map<String, Object> zero(Map<String, Object> v0) {
                return v0;
              }
            """);
    Compilation compilation = Compilers.sdk().compile(goods, GOODS_OBJ);
    assertThat(compilation)
        .hadErrorContaining(
            "[SdkUpcasterTarget] @Upcaster(event = \"Goods:Selling\", from = 1) on Goods.unknown"
                + " names no event raised in this compilation")
        .inFile(goods)
        .onLineContaining("unknown(");
    assertThat(compilation)
        .hadErrorContaining("reads version 3, but the event is at version 3")
        .inFile(goods)
        .onLineContaining("tooNew(");
    assertThat(compilation)
        .hadErrorContaining("reads no version: versions start at 1")
        .inFile(goods)
        .onLineContaining("zero(");
  }

  @Test
  void duplicateUpcaster() throws IOException {
    JavaFileObject goods =
        goods(
            V1_TO_V2
                + V2_TO_V3
                + """
                  @Upcaster(event = "Goods:Shopping", from = 1)
                  public static Map<String, Object> again(Map<String, Object> v1) {
                    return v1;
                  }
                """);
    assertThat(compile("")).hadErrorContaining("[SdkMissingUpcaster]");
    assertThat(
            Compilers.sdk().withOptions("-Adomainevents.lock=" + lock()).compile(goods, GOODS_OBJ))
        .hadErrorContaining(
            "[SdkDuplicateUpcaster] Goods.amountBecomesQuantity and Goods.again both upcast"
                + " \"Goods:Shopping\" from version 1")
        .inFile(goods)
        .onLineContaining("again(");
  }
}
