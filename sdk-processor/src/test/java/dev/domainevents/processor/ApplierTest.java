package dev.domainevents.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Event-sourced aggregates: the generated applier (golden file, and run), and one failing input per
 * {@code @Apply} message, each asserting the tag, the file and the line.
 */
class ApplierTest {
  private static final Path GOLDENS = Path.of("src/test/resources/goldens/ApplierTest");

  private static final JavaFileObject RESTOCKED =
      JavaFileObjects.forSourceString(
          "shop.Restocked", "package shop; public record Restocked(int amount) {}");
  private static final JavaFileObject TAKEN =
      JavaFileObjects.forSourceString(
          "shop.Taken", "package shop; public record Taken(int amount) {}");

  /** An aggregate raising Stock:Restock and Stock:Take, with {@code body} added to it. */
  private static JavaFileObject stock(String body) {
    return JavaFileObjects.forSourceString(
        "shop.Stock",
        """
        package shop;

        import dev.domainevents.Apply;
        import dev.domainevents.EventEnvelope;
        import dev.domainevents.EventSourcedEntity;

        public final class Stock extends EventSourcedEntity {
          private final String sku;
          int onHand;

          public Stock(String sku) {
            this.sku = sku;
          }

          public void restock(int amount) {
            domainEvent("Stock:Restock", new Restocked(amount));
          }

          public void take(int amount) {
            domainEvent("Stock:Take", new Taken(amount));
          }

          @Override
          public String identity() {
            return sku;
          }

        """
            + body
            + "\n}\n");
  }

  private static final String APPLIES =
      """
        @Override
        protected void apply(EventEnvelope event) {
          Stock_Applier.apply(this, event);
        }

        @Apply
        void onRestocked(Restocked event) {
          onHand += event.amount();
        }

        @Apply
        void onTaken(Taken event) {
          onHand -= event.amount();
        }
      """;

  private static final JavaFileObject DEMO =
      JavaFileObjects.forSourceString(
          "shop.Demo",
"""
          package shop;

          import dev.domainevents.EventEnvelope;
          import java.util.List;
import java.util.stream.Stream;

          public final class Demo {
            /** Raises three events, replays them into a new Stock, and returns both stocks. */
            public static int[] run() {
              Stock stock = new Stock("sku-1");
              stock.restock(10);
              stock.take(3);
              stock.restock(1);
              List<EventEnvelope> events = stock.pendingEvents();
              Stock replayed = new Stock("sku-1");
              for (EventEnvelope event : events) {
                replayed.replay(event);
              }
              return new int[] {
                stock.onHand, replayed.onHand, (int) replayed.version(),
                replayed.pendingEvents().size()
              };
            }
          }
          """);

  private static Compilation compile(JavaFileObject... sources) {
    List<JavaFileObject> all = new ArrayList<>(List.of(RESTOCKED, TAKEN));
    all.addAll(List.of(sources));
    return Compilers.sdk().compile(all);
  }

  @Test
  void generatesAnApplierThatCallsApplyMethodsDirectly() throws IOException {
    Compilation compilation = compile(stock(APPLIES));
    assertThat(compilation).succeededWithoutWarnings();
    Path golden =
        GOLDENS
            .resolve("generatesAnApplierThatCallsApplyMethodsDirectly")
            .resolve("shop.Stock_Applier.java");
    String text =
        compilation
            .generatedSourceFile("shop.Stock_Applier")
            .orElseThrow()
            .getCharContent(true)
            .toString();
    if (Boolean.getBoolean("goldens.update")) {
      Files.createDirectories(golden.getParent());
      Files.writeString(golden, text, StandardCharsets.UTF_8);
    }
    assertThat(text).isEqualTo(Files.readString(golden, StandardCharsets.UTF_8));
    assertThat(text).doesNotContain("reflect");
  }

  @Test
  void raisingAppliesAtOnceAndReplayRebuildsTheState(@TempDir Path classes) throws Exception {
    Compilation compilation = compile(stock(APPLIES), DEMO);
    assertThat(compilation).succeededWithoutWarnings();
    Compilers.writeClassOutput(compilation, classes);
    try (URLClassLoader loader =
        new URLClassLoader(new URL[] {classes.toUri().toURL()}, getClass().getClassLoader())) {
      int[] result = (int[]) loader.loadClass("shop.Demo").getMethod("run").invoke(null);
      assertThat(result).asList().containsExactly(8, 8, 3, 0).inOrder();
    }
  }

  @Test
  void missingApply() {
    JavaFileObject stock =
        stock(
            """
              @Override
              protected void apply(EventEnvelope event) {}

              @Apply
              void onRestocked(Restocked event) {}
            """);
    assertThat(compile(stock))
        .hadErrorContaining(
            "[SdkMissingApply] Stock raises \"Stock:Take\" but has no @Apply method for it")
        .inFile(stock)
        .onLineContaining("public void take(int amount)");
  }

  @Test
  void applyForAnEventNeverRaised() {
    JavaFileObject stock =
        stock(
            APPLIES
                + """
                  @Apply("Stock:Archive")
                  void onArchived(Taken event) {}
                """);
    assertThat(compile(stock))
        .hadErrorContaining("[SdkApplyUnraised] @Apply method onArchived applies \"Stock:Archive\"")
        .inFile(stock)
        .onLineContaining("@Apply(\"Stock:Archive\")");
  }

  @Test
  void applyForAPayloadNoEventCarries() {
    JavaFileObject stock =
        stock(
            APPLIES
                + """
                  @Apply
                  void onOther(String event) {}
                """);
    assertThat(compile(stock))
        .hadErrorContaining("[SdkApplyUnraised] @Apply method onOther applies an event carrying")
        .inFile(stock)
        .onLineContaining("void onOther(String event)");
  }

  @Test
  void applyPayloadMismatch() {
    JavaFileObject stock =
        stock(
            """
              @Override
              protected void apply(EventEnvelope event) {}

              @Apply
              void onRestocked(Restocked event) {}

              @Apply("Stock:Take")
              void onTaken(Restocked event) {}
            """);
    assertThat(compile(stock))
        .hadErrorContaining(
            "[SdkApplyPayloadMismatch] @Apply method onTaken takes shop.Restocked but"
                + " \"Stock:Take\" carries shop.Taken")
        .inFile(stock)
        .onLineContaining("void onTaken(Restocked event)");
  }

  @Test
  void twoAppliesForOneEvent() {
    JavaFileObject stock =
        stock(
            APPLIES
                + """
                  @Apply("Stock:Take")
                  void onTakenAgain(Taken event) {}
                """);
    assertThat(compile(stock))
        .hadErrorContaining(
            "[SdkDuplicateApply] onTaken and onTakenAgain both apply \"Stock:Take\" in Stock")
        .inFile(stock)
        .onLineContaining("void onTakenAgain(Taken event)");
  }

  @Test
  void ambiguousApply() {
    JavaFileObject stock =
        JavaFileObjects.forSourceString(
            "shop.Stock",
            """
            package shop;

            import dev.domainevents.Apply;
            import dev.domainevents.EventEnvelope;
            import dev.domainevents.EventSourcedEntity;

            public final class Stock extends EventSourcedEntity {
              public void restock(int amount) {
                domainEvent("Stock:Restock", new Restocked(amount));
              }

              public void refill(int amount) {
                domainEvent("Stock:Refill", new Restocked(amount));
              }

              @Override
              public String identity() {
                return "1";
              }

              @Override
              protected void apply(EventEnvelope event) {}

              @Apply
              void onRestocked(Restocked event) {}
            }
            """);
    assertThat(compile(stock))
        .hadErrorContaining(
            "[SdkApplyAmbiguous] @Apply method onRestocked takes shop.Restocked, which Stock raises"
                + " as [Stock:Refill, Stock:Restock]")
        .inFile(stock)
        .onLineContaining("void onRestocked(Restocked event)");
  }

  @Test
  void applyNotVoid() {
    JavaFileObject stock =
        stock(
            """
              @Override
              protected void apply(EventEnvelope event) {}

              @Apply
              void onRestocked(Restocked event) {}

              @Apply
              int onTaken(Taken event) {
                return 1;
              }
            """);
    assertThat(compile(stock))
        .hadErrorContaining("[SdkApplyNotVoid] @Apply method onTaken returns int")
        .inFile(stock)
        .onLineContaining("int onTaken(Taken event)");
  }

  @Test
  void applyStatic() {
    JavaFileObject stock =
        stock(
            """
              @Override
              protected void apply(EventEnvelope event) {}

              @Apply
              void onRestocked(Restocked event) {}

              @Apply
              static void onTaken(Taken event) {}
            """);
    assertThat(compile(stock))
        .hadErrorContaining("[SdkApplyStatic] @Apply method onTaken is static")
        .inFile(stock)
        .onLineContaining("static void onTaken(Taken event)");
  }

  @Test
  void applyPrivate() {
    JavaFileObject stock =
        stock(
            """
              @Override
              protected void apply(EventEnvelope event) {}

              @Apply
              void onRestocked(Restocked event) {}

              @Apply
              private void onTaken(Taken event) {}
            """);
    assertThat(compile(stock))
        .hadErrorContaining("[SdkApplyPrivate] @Apply method onTaken is private")
        .inFile(stock)
        .onLineContaining("private void onTaken(Taken event)");
  }

  @Test
  void applyParameters() {
    JavaFileObject stock =
        stock(
            """
              @Override
              protected void apply(EventEnvelope event) {}

              @Apply
              void onRestocked(Restocked event) {}

              @Apply
              void onTaken(Taken event, int extra) {}
            """);
    assertThat(compile(stock))
        .hadErrorContaining("[SdkApplyParameters] @Apply method onTaken has 2 parameters")
        .inFile(stock)
        .onLineContaining("void onTaken(Taken event, int extra)");
  }

  @Test
  void applyOutsideAnAggregate() {
    JavaFileObject view =
        JavaFileObjects.forSourceString(
            "shop.View",
            """
            package shop;

            import dev.domainevents.Apply;

            public final class View {
              @Apply
              void onTaken(Taken event) {}
            }
            """);
    assertThat(compile(view))
        .hadErrorContaining(
            "[SdkApplyOutsideAggregate] @Apply on onTaken has no effect, because View does not"
                + " extend EventSourcedEntity")
        .inFile(view)
        .onLineContaining("void onTaken(Taken event)");
  }

  @Test
  void aBrokenAggregateGetsNoGeneratedSources(@TempDir Path work) throws IOException {
    // javac on real directories: compile-testing hides the generated files of a failed build.
    Compilers.DirectoryCompilation compilation =
        Compilers.compileInDirectories(
            work,
            work.resolve("classes"),
            List.of(
                RESTOCKED,
                TAKEN,
                stock(
                    """
                      @Override
                      protected void apply(EventEnvelope event) {}

                      @Apply
                      void onRestocked(Restocked event) {}
                    """)));
    assertThat(compilation.succeeded()).isFalse();
    try (Stream<Path> files = Files.walk(compilation.generatedSources())) {
      assertThat(files.filter(Files::isRegularFile).toList()).isEmpty();
    }
  }
}
