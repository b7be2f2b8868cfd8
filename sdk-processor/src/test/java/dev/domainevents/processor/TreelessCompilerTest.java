package dev.domainevents.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static com.google.testing.compile.Compiler.javac;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Set;
import java.util.function.UnaryOperator;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.ProcessingEnvironment;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.Elements;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * The processor where the compiler offers no syntax trees: javac's processing environment is
 * wrapped in a proxy, so {@code Trees.instance} refuses it exactly as it does for Eclipse's
 * compiler or a build tool's wrapper. Also where the compiler's utilities fail unexpectedly.
 */
class TreelessCompilerTest {
  private static final JavaFileObject GOODS =
      JavaFileObjects.forSourceString(
          "shop.Goods",
          """
          package shop;

          import dev.domainevents.Entity;
          import dev.domainevents.RaisesEvent;

          public final class Goods extends Entity {
            private final GoodsObj goods = new GoodsObj(1, "tea", 2);

            @RaisesEvent(value = "Goods:Shopping", payload = GoodsObj.class)
            public void shopping() {
              domainEvent("Goods:Shopping", goods);
            }

            public void restock() {
              domainEvent("Goods:Restock", goods);
            }

            @Override
            public String identity() {
              return "1";
            }
          }
          """);

  @Test
  void degradesToDeclaredEventsWithANote() {
    Compilation compilation =
        javac()
            .withProcessors(new WrappingProcessor(UnaryOperator.identity()))
            .compile(ShopSources.GOODS_OBJ, GOODS);
    assertThat(compilation).succeeded();
    assertThat(compilation)
        .hadNoteContaining("[SdkNoTreeApi]")
        .inFile(GOODS)
        .onLineContaining("public final class Goods");
    assertThat(compilation)
        .generatedSourceFile("shop.GoodsEvents")
        .contentsAsUtf8String()
        .contains("SHOPPING = EventType.of(\"Goods:Shopping\", GoodsObj.class, \"goods\", 1)");
    // Without trees the undeclared call is invisible: only the declared event is registered.
    assertThat(compilation)
        .generatedSourceFile("shop.GoodsEvents")
        .contentsAsUtf8String()
        .doesNotContain("RESTOCK");
  }

  @Test
  void declarationWithoutPayloadIsAnErrorWithoutTrees() {
    JavaFileObject goods =
        JavaFileObjects.forSourceString(
            "shop.Goods",
            """
            package shop;

            public final class Goods extends dev.domainevents.Entity {
              @dev.domainevents.RaisesEvent("Goods:Shopping")
              public void shopping() {}

              @Override
              public String identity() {
                return "1";
              }
            }
            """);
    Compilation compilation =
        javac()
            .withProcessors(new WrappingProcessor(UnaryOperator.identity()))
            .compile(ShopSources.GOODS_OBJ, goods);
    assertThat(compilation)
        .hadErrorContaining("[SdkPayloadUnknown]")
        .inFile(goods)
        .onLineContaining("@dev.domainevents.RaisesEvent(\"Goods:Shopping\")");
  }

  @Test
  void internalFailureIsReportedOnTheTypeAndOtherTypesAreStillChecked() {
    JavaFileObject exploding =
        JavaFileObjects.forSourceString(
            "shop.Exploding",
            """
            package shop;

            public final class Exploding extends dev.domainevents.Entity {
              @Override
              public String identity() {
                return "1";
              }
            }
            """);
    JavaFileObject misspelled =
        JavaFileObjects.forSourceString(
            "shop.Goods",
            """
            package shop;

            public final class Goods extends dev.domainevents.Entity {
              @dev.domainevents.RaisesEvent(value = "Goods:Shoping", payload = GoodsObj.class)
              public void shopping() {}

              @Override
              public String identity() {
                return "1";
              }
            }
            """);
    Compilation compilation =
        javac()
            .withProcessors(new WrappingProcessor(TreelessCompilerTest::explodingElements))
            .compile(ShopSources.GOODS_OBJ, exploding, misspelled);
    assertThat(compilation).failed();
    assertThat(compilation)
        .hadErrorContaining(
            "[SdkInternal] sdk-processor failed on shop.Exploding, which was skipped")
        .inFile(exploding)
        .onLineContaining("public final class Exploding");
    assertThat(compilation).hadErrorContaining("IllegalStateException: boom");
    assertThat(compilation)
        .hadErrorContaining("[SdkUnknownMethod] \"Goods:Shoping\"")
        .inFile(misspelled)
        .onLineContaining("Goods:Shoping");
  }

  /** Elements whose getAllMembers fails for a type named Exploding, like a compiler bug would. */
  private static Elements explodingElements(Elements elements) {
    return proxy(
        Elements.class,
        elements,
        (method, args) -> {
          if (method.getName().equals("getAllMembers")
              && ((TypeElement) args[0]).getSimpleName().contentEquals("Exploding")) {
            throw new IllegalStateException("boom");
          }
          return null;
        });
  }

  private interface Replacement {
    /** Returns a replacement result, or {@code null} to call the real method. */
    Object apply(Method method, Object[] args);
  }

  private static <T> T proxy(Class<T> type, T target, Replacement override) {
    return type.cast(
        Proxy.newProxyInstance(
            type.getClassLoader(),
            new Class<?>[] {type},
            (proxy, method, args) -> {
              Object replaced = override.apply(method, args);
              if (replaced != null) {
                return replaced;
              }
              try {
                return method.invoke(target, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            }));
  }

  /** Runs the real processor inside a processing environment that is not javac's own. */
  private static final class WrappingProcessor extends AbstractProcessor {
    private final DomainEventProcessor delegate = new DomainEventProcessor();
    private final UnaryOperator<Elements> elements;

    WrappingProcessor(UnaryOperator<Elements> elements) {
      this.elements = elements;
    }

    @Override
    public synchronized void init(ProcessingEnvironment env) {
      super.init(env);
      Elements wrappedElements = elements.apply(env.getElementUtils());
      delegate.init(
          proxy(
              ProcessingEnvironment.class,
              env,
              (method, args) ->
                  method.getName().equals("getElementUtils") ? wrappedElements : null));
    }

    @Override
    public Set<String> getSupportedAnnotationTypes() {
      return delegate.getSupportedAnnotationTypes();
    }

    @Override
    public SourceVersion getSupportedSourceVersion() {
      return delegate.getSupportedSourceVersion();
    }

    @Override
    public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment roundEnv) {
      return delegate.process(annotations, roundEnv);
    }
  }
}
