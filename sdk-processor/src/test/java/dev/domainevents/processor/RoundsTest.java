package dev.domainevents.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.TypeElement;
import javax.tools.JavaFileObject;
import javax.tools.StandardLocation;
import org.junit.jupiter.api.Test;

/** Types that other processors generate in later rounds. */
class RoundsTest {
  /** Writes one source file when a trigger type shows up in a round. */
  private static final class GeneratingProcessor extends AbstractProcessor {
    private final String trigger;
    private final String generatedName;
    private final String source;
    private boolean done;

    GeneratingProcessor(String trigger, String generatedName, String source) {
      this.trigger = trigger;
      this.generatedName = generatedName;
      this.source = source;
    }

    @Override
    public Set<String> getSupportedAnnotationTypes() {
      return Set.of("*");
    }

    @Override
    public SourceVersion getSupportedSourceVersion() {
      return SourceVersion.latestSupported();
    }

    @Override
    public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment roundEnv) {
      boolean triggered =
          roundEnv.getRootElements().stream()
              .anyMatch(e -> ((TypeElement) e).getQualifiedName().contentEquals(trigger));
      if (triggered && !done) {
        done = true;
        try (Writer writer =
            processingEnv.getFiler().createSourceFile(generatedName).openWriter()) {
          writer.write(source);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      return false;
    }
  }

  private static final JavaFileObject GOODS_WITH_GENERATED_PAYLOAD =
      JavaFileObjects.forSourceString(
          "shop.Goods",
          """
          package shop;

          public final class Goods extends dev.domainevents.Entity {
            private Snapshot snapshot;

            public void shopping() {
              domainEvent("Goods:Shopping", snapshot);
            }

            @Override
            public String identity() {
              return "1";
            }
          }
          """);

  @Test
  void payloadGeneratedByAnotherProcessorIsWaitedFor() {
    Compilation compilation =
        com.google.testing.compile.Compiler.javac()
            .withProcessors(
                new GeneratingProcessor(
                    "shop.Goods",
                    "shop.Snapshot",
                    "package shop; public record Snapshot(int stock) {}"),
                new DomainEventProcessor())
            .compile(GOODS_WITH_GENERATED_PAYLOAD);
    assertThat(compilation).succeededWithoutWarnings();
    assertThat(compilation)
        .generatedSourceFile("shop.GoodsEvents")
        .contentsAsUtf8String()
        .contains("EventType<Snapshot> SHOPPING");
    assertThat(compilation)
        .generatedSourceFile("shop.GeneratedEventRegistry")
        .contentsAsUtf8String()
        .contains("GoodsEvents.SHOPPING");
  }

  @Test
  void entityGeneratedAfterTheRegistryIsAnError() {
    // The registry is written in the first round that discovers nothing new; an entity that shows
    // up after that cannot be registered any more, and must not be lost silently.
    Compilation compilation =
        com.google.testing.compile.Compiler.javac()
            .withProcessors(
                new GeneratingProcessor(
                    "shop.GeneratedEventRegistry",
                    "late.Late",
                    """
                    package late;

                    public final class Late extends dev.domainevents.Entity {
                      public void arrive() {
                        domainEvent("Late:Arrive", new Late());
                      }

                      @Override
                      public String identity() {
                        return "1";
                      }
                    }
                    """),
                new DomainEventProcessor())
            .compile(
                ShopSources.GOODS_OBJ,
                ShopSources.LINE_ADDED,
                ShopSources.RESTOCKED,
                ShopSources.GOODS);
    assertThat(compilation)
        .hadErrorContaining(
            "[SdkRegistryClosed] late.Late appeared after the event registry"
                + " shop.GeneratedEventRegistry was written");
  }

  /** Records the root types of every round. */
  private static final class RoundRecorder extends AbstractProcessor {
    final List<Set<String>> rounds = new ArrayList<>();

    @Override
    public Set<String> getSupportedAnnotationTypes() {
      return Set.of("*");
    }

    @Override
    public SourceVersion getSupportedSourceVersion() {
      return SourceVersion.latestSupported();
    }

    @Override
    public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment roundEnv) {
      if (!roundEnv.processingOver()) {
        Set<String> roots = new TreeSet<>();
        roundEnv
            .getRootElements()
            .forEach(e -> roots.add(((TypeElement) e).getQualifiedName().toString()));
        rounds.add(roots);
      }
      return false;
    }
  }

  @Test
  void registryIsWrittenInTheRoundOfTheConstants() {
    // Each round makes javac enter every compilation unit again: the registry gets no round of
    // its own.
    RoundRecorder recorder = new RoundRecorder();
    Compilation compilation =
        com.google.testing.compile.Compiler.javac()
            .withProcessors(new DomainEventProcessor(), recorder)
            .compile(
                ShopSources.GOODS_OBJ,
                ShopSources.LINE_ADDED,
                ShopSources.RESTOCKED,
                ShopSources.GOODS);
    assertThat(compilation).succeededWithoutWarnings();
    assertThat(recorder.rounds).hasSize(2);
    assertThat(recorder.rounds.get(1)).contains("shop.GoodsEvents");
    assertThat(recorder.rounds.get(1)).contains("shop.GeneratedEventRegistry");
  }

  @Test
  void entityGeneratedInTheRegistrysRoundGoesIntoTheLateRegistry() {
    // Late is written in the round the registry is, by a processor that cannot know of it: a
    // second registry lists it, and the service entry names both.
    Compilation compilation =
        com.google.testing.compile.Compiler.javac()
            .withProcessors(
                new GeneratingProcessor(
                    "shop.Goods",
                    "late.Late",
                    """
                    package late;

                    public final class Late extends dev.domainevents.Entity {
                      public void arrive() {
                        domainEvent("Late:Arrive", new shop.Restocked(1L, 2));
                      }

                      @Override
                      public String identity() {
                        return "1";
                      }
                    }
                    """),
                new DomainEventProcessor())
            .compile(
                ShopSources.GOODS_OBJ,
                ShopSources.LINE_ADDED,
                ShopSources.RESTOCKED,
                ShopSources.GOODS);
    assertThat(compilation).succeededWithoutWarnings();
    assertThat(compilation)
        .generatedSourceFile("shop.GeneratedEventRegistry")
        .contentsAsUtf8String()
        .doesNotContain("LateEvents");
    assertThat(compilation)
        .generatedSourceFile("shop.GeneratedEventRegistry_Late")
        .contentsAsUtf8String()
        .contains("LateEvents.ARRIVE");
    assertThat(compilation)
        .generatedFile(
            StandardLocation.CLASS_OUTPUT, "META-INF/services/dev.domainevents.spi.EventRegistry")
        .contentsAsUtf8String()
        .isEqualTo("shop.GeneratedEventRegistry\nshop.GeneratedEventRegistry_Late\n");
    assertThat(compilation)
        .generatedFile(StandardLocation.CLASS_OUTPUT, "META-INF/domainevents/Late.events")
        .contentsAsUtf8String()
        .contains("Late:Arrive\tshop.Restocked");
  }
}
