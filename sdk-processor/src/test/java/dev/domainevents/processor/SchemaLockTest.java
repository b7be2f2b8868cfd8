package dev.domainevents.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The payload schemas against the lock file: each message with its tag and line, and updates. */
class SchemaLockTest {
  @TempDir Path directory;

  private static JavaFileObject goods(String raiseAnnotation) {
    return JavaFileObjects.forSourceString(
        "shop.Goods",
        """
        package shop;

        import dev.domainevents.Entity;
        import dev.domainevents.RaisesEvent;

        public final class Goods extends Entity {
        """
            + raiseAnnotation
            + """

          public void shopping(int amount) {
            domainEvent("Goods:Shopping", new GoodsObj(1, amount));
          }

          @Override
          public String identity() {
            return "1";
          }
        }
        """);
  }

  private static JavaFileObject goodsObj(String components) {
    return JavaFileObjects.forSourceString(
        "shop.GoodsObj",
        "package shop;\n\nimport java.util.Optional;\n\npublic record GoodsObj("
            + components
            + ") {\n  public GoodsObj(int goodsId, int amount) {\n    this("
            + (components.contains("Optional") ? "goodsId, amount, Optional.empty()" : "")
            + (components.contains("long amount") ? "goodsId, (long) amount" : "")
            + (components.equals("int goodsId, int amount") ? "goodsId, amount, 0" : "")
            + ");\n  }\n}\n");
  }

  private static final String LOCKED_V1 =
      """
      event Goods:Shopping
        version 1
          amount: int
          goodsId: int
      """;

  private Path lock(String text) throws IOException {
    Path lock = directory.resolve("src/main/resources/META-INF/domainevents/events.lock");
    Files.createDirectories(lock.getParent());
    Files.writeString(lock, text);
    return lock;
  }

  private static Compilation compile(Path lock, JavaFileObject payload, String... options) {
    String[] all = new String[options.length + 1];
    all[0] = "-Adomainevents.lock=" + lock;
    System.arraycopy(options, 0, all, 1, options.length);
    return Compilers.sdk().withOptions((Object[]) all).compile(goods(""), payload);
  }

  /** GoodsObj(int goodsId, int amount), the locked schema, with a two-argument constructor. */
  private static JavaFileObject unchanged() {
    return JavaFileObjects.forSourceString(
        "shop.GoodsObj", "package shop;\n\npublic record GoodsObj(int goodsId, int amount) {}\n");
  }

  @Test
  void unchangedSchemaPassesQuietly() throws IOException {
    Path lock = lock(LOCKED_V1);
    Compilation compilation = compile(lock, unchanged());
    assertThat(compilation).succeededWithoutWarnings();
    assertThat(Files.readString(lock)).isEqualTo(LOCKED_V1);
  }

  @Test
  void schemaChanged() throws IOException {
    // Renaming a field: the new schema requires `count`, which version 1 records do not have.
    JavaFileObject payload =
        JavaFileObjects.forSourceString(
            "shop.GoodsObj",
            "package shop;\n\npublic record GoodsObj(int goodsId, int count) {}\n");
    Compilation compilation = compile(lock(LOCKED_V1), payload);
    assertThat(compilation)
        .hadErrorContaining("[SdkSchemaChanged] the payload of \"Goods:Shopping\" (GoodsObj)")
        .inFile(payload)
        .onLineContaining("public record GoodsObj");
    assertThat(compilation)
        .hadErrorContaining(
            "the new schema cannot read data written with the old one: count is required but the"
                + " data does not have it");
    assertThat(compilation).hadErrorContaining("- amount: int");
    assertThat(compilation).hadErrorContaining("+ count: int");
    assertThat(compilation)
        .hadErrorContaining(
            "@RaisesEvent(value = \"Goods:Shopping\", version = 2) on Goods.shopping, and add a"
                + " static @Upcaster(event = \"Goods:Shopping\", from = 1)");
  }

  @Test
  void compatibleChangeWarnsUntilLocked() throws IOException {
    Path lock = lock(LOCKED_V1);
    JavaFileObject payload = goodsObj("int goodsId, int amount, Optional<String> note");
    Compilation compilation = compile(lock, payload);
    assertThat(compilation).succeeded();
    assertThat(compilation)
        .hadWarningContaining(
            "[SdkSchemaUnlocked] the changed schema of version 1 of \"Goods:Shopping\" is not in")
        .inFile(payload)
        .onLineContaining("public record GoodsObj");
    assertThat(compilation).hadWarningContaining("(the change is BACKWARD compatible)");

    Compilation updated = compile(lock, payload, "-Adomainevents.lock.update=true");
    assertThat(updated).succeededWithoutWarnings();
    assertThat(Files.readString(lock))
        .endsWith(
            """
            event Goods:Shopping
              version 1
                amount: int
                goodsId: int
              version 1
                amount: int
                goodsId: int
                note?: string
            """);
    assertThat(compile(lock, payload)).succeededWithoutWarnings();
  }

  @Test
  void fullModeRejectsAnAddedOptionalFieldThatOldReadersDoNotRequire() throws IOException {
    // FULL: adding an optional field is fine both ways, but widening a number is not.
    Compilation full =
        compile(
            lock(LOCKED_V1),
            goodsObj("int goodsId, long amount"),
            "-Adomainevents.compatibility=full");
    assertThat(full).hadErrorContaining("is not FULL compatible");
    assertThat(full).hadErrorContaining("the old schema cannot read data written with the new one");
    Compilation none =
        compile(
            lock(LOCKED_V1),
            goodsObj("int goodsId, long amount"),
            "-Adomainevents.compatibility=NONE");
    assertThat(none).succeeded();
    assertThat(none).hadWarningContaining("[SdkSchemaUnlocked]");
  }

  @Test
  void newEventIsWarnedAboutUntilLocked() throws IOException {
    Path lock = lock("event Goods:Other\n  version 1\n    x: int\n");
    Compilation compilation = compile(lock, unchanged());
    assertThat(compilation)
        .hadWarningContaining("[SdkSchemaUnlocked] the event of \"Goods:Shopping\" is not in")
        .inFile(unchanged())
        .onLineContaining("public record GoodsObj");
    assertThat(compile(lock, unchanged(), "-Adomainevents.lock.update=true")).succeeded();
    // Events no longer raised stay: their records may still be read.
    assertThat(Files.readString(lock)).contains("event Goods:Other\n  version 1\n    x: int\n");
    assertThat(Files.readString(lock)).contains("event Goods:Shopping\n  version 1\n");
  }

  @Test
  void versionLowered() throws IOException {
    Path lock = lock(LOCKED_V1 + "  version 2\n    amount: int\n    goodsId: int\n");
    JavaFileObject goods = goods("");
    Compilation compilation =
        Compilers.sdk().withOptions("-Adomainevents.lock=" + lock).compile(goods, unchanged());
    assertThat(compilation)
        .hadErrorContaining(
            "[SdkVersionLowered] \"Goods:Shopping\" is at version 1, but version 2 is locked")
        .inFile(goods)
        .onLineContaining("public void shopping");
  }

  @Test
  void raisedVersionIsRecorded() throws IOException {
    Path lock = lock(LOCKED_V1);
    JavaFileObject goods =
        goods(
            """
              @dev.domainevents.Upcaster(event = "Goods:Shopping", from = 1)
              public static java.util.Map<String, Object> widen(java.util.Map<String, Object> v1) {
                return v1;
              }

              @RaisesEvent(value = "Goods:Shopping", version = 2)""");
    JavaFileObject payload = goodsObj("int goodsId, long amount");
    Compilation compilation =
        Compilers.sdk()
            .withOptions("-Adomainevents.lock=" + lock, "-Adomainevents.lock.update=true")
            .compile(goods, payload);
    assertThat(compilation).succeeded();
    assertThat(Files.readString(lock))
        .endsWith(
            """
            event Goods:Shopping
              version 1
                amount: int
                goodsId: int
              version 2
                amount: long
                goodsId: int
            """);
  }

  @Test
  void noLockFile() {
    Compilation compilation = Compilers.sdk().compile(goods(""), unchanged());
    assertThat(compilation).succeededWithoutWarnings();
    assertThat(compilation)
        .hadNoteContaining("[SdkNoLockFile] no lock file META-INF/domainevents/events.lock");
  }

  @Test
  void malformedLockFile() throws IOException {
    Compilation compilation = compile(lock("event Goods:Shopping\n  version one\n"), unchanged());
    assertThat(compilation).hadErrorContaining("[SdkLockFile] cannot use the lock file");
    assertThat(compilation).hadErrorContaining("line 2: not a version");
  }

  @Test
  void lockOptions() {
    assertThat(
            Compilers.sdk()
                .withOptions("-Adomainevents.lock.update=true")
                .compile(goods(""), unchanged()))
        .hadErrorContaining(
            "[SdkLockOption] -Adomainevents.lock.update=true needs -Adomainevents.lock");
    assertThat(
            Compilers.sdk()
                .withOptions("-Adomainevents.compatibility=SIDEWAYS")
                .compile(goods(""), unchanged()))
        .hadErrorContaining("[SdkLockOption] -Adomainevents.compatibility=SIDEWAYS is not one of");
  }

  @Test
  void canonicalSchemaCoversNestingCollectionsOptionalsEnumsAndTime() throws IOException {
    JavaFileObject order =
        JavaFileObjects.forSourceString(
            "shop.Order",
            """
            package shop;

            import dev.domainevents.Entity;
            import java.lang.annotation.ElementType;
            import java.lang.annotation.Target;
            import java.math.BigDecimal;
            import java.time.Instant;
            import java.time.LocalDate;
            import java.util.List;
            import java.util.Map;
            import java.util.Optional;
            import java.util.OptionalInt;
            import java.util.Set;
            import java.util.UUID;

            public final class Order extends Entity {
              @Target({ElementType.TYPE_USE, ElementType.RECORD_COMPONENT})
              public @interface Nullable {}

              public enum Status { PLACED, OPEN }

              public record Line(String sku, int quantity, BigDecimal price) {}

              public record Category(String name, Category parent) {}

              public static class Customer {
                public String name;
                private int hidden;

                public UUID getId() { return null; }

                public boolean isVip() { return false; }

                public static int getCount() { return 0; }
              }

              public record Placed(
                  long id,
                  Status status,
                  List<Line> lines,
                  Set<String> tags,
                  Map<String, Line> byCode,
                  Optional<String> note,
                  OptionalInt priority,
                  @Nullable String coupon,
                  Instant at,
                  LocalDate due,
                  byte[] signature,
                  Category category,
                  Customer customer) {}

              public void place(Placed placed) {
                domainEvent("Order:Place", placed);
              }

              @Override
              public String identity() {
                return "1";
              }
            }
            """);
    Path lock = directory.resolve("events.lock");
    Compilation compilation =
        Compilers.sdk()
            .withOptions("-Adomainevents.lock=" + lock, "-Adomainevents.lock.update=true")
            .compile(order);
    assertThat(compilation).succeededWithoutWarnings();
    assertThat(Files.readString(lock))
        .endsWith(
            """
            event Order:Place
              version 1
                at: Instant
                byCode: map<string,object>
                byCode{}.price: decimal
                byCode{}.quantity: int
                byCode{}.sku: string
                category: object
                category.name: string
                category.parent: ref(Category)
                coupon?: string
                customer: object
                customer.id: uuid
                customer.name: string
                customer.vip: boolean
                due: LocalDate
                id: long
                lines: list<object>
                lines[].price: decimal
                lines[].quantity: int
                lines[].sku: string
                note?: string
                priority?: int
                signature: bytes
                status: enum(OPEN,PLACED)
                tags: set<string>
            """);
    // The catalog's JSON Schema comes from the same canonical schema.
    String catalog =
        Compilers.writtenFiles(compilation).stream()
            .filter(f -> f.getName().endsWith("META-INF/domainevents/asyncapi.yaml"))
            .findFirst()
            .orElseThrow()
            .getCharContent(true)
            .toString();
    assertThat(catalog)
        .contains(
            """
                      coupon:
                        anyOf:
                          - type: "string"
                          - type: "null"
            """);
    assertThat(catalog)
        .contains(
            """
                      lines:
                        type: "array"
                        items:
                          type: "object"
                          properties:
                            price:
                              type: "number"
            """);
    assertThat(catalog).contains("status:\n            type: \"string\"\n            enum:\n");
  }
}
