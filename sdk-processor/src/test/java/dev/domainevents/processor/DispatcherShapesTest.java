package dev.domainevents.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import dev.domainevents.EventContext;
import dev.domainevents.EventEnvelope;
import dev.domainevents.spi.EventCatalog;
import dev.domainevents.spi.EventDispatcher;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.tools.JavaFileObject;
import javax.tools.StandardLocation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Dispatchers of up to four events compare names one by one; larger ones switch. Both shapes must
 * route every name to its method, whether or not the name is the constant's own string instance
 * (names decoded from the wire never are).
 */
class DispatcherShapesTest {
  private static final List<String> METHODS =
      List.of("open", "fill", "count", "label", "seal", "ship");

  @TempDir Path classes;

  @Test
  void smallDispatcherComparesNamesOneByOne() throws Exception {
    assertRoutesEveryName(4, "if (\"Crate:Open\".equals(name))");
  }

  @Test
  void largeDispatcherSwitches() throws Exception {
    assertRoutesEveryName(6, "switch (context.name())");
  }

  private void assertRoutesEveryName(int events, String expectedShape) throws Exception {
    List<String> methods = METHODS.subList(0, events);
    Compilation compilation = Compilers.sdk().compile(sources(methods));
    assertThat(compilation).succeededWithoutWarnings();
    assertThat(compilation)
        .generatedFile(StandardLocation.SOURCE_OUTPUT, "crates", "Packer_EventDispatcher.java")
        .contentsAsUtf8String()
        .contains(expectedShape);
    Compilers.writeClassOutput(compilation, classes);

    try (URLClassLoader loader =
        new URLClassLoader(new URL[] {classes.toUri().toURL()}, getClass().getClassLoader())) {
      Object packer = loader.loadClass("crates.Packer").getConstructor().newInstance();
      EventDispatcher dispatcher = EventCatalog.load(loader).dispatcherFor(packer);
      Class<?> item = loader.loadClass("crates.Item");
      for (int i = 0; i < methods.size(); i++) {
        String name = "Crate:" + capitalize(methods.get(i));
        // A fresh String, as a decoder would make: equal to the constant, never identical.
        Object payload = item.getConstructor(int.class).newInstance(i);
        assertThat(dispatcher.dispatch(context(new String(name), payload))).isTrue();
        assertThat(packer.toString()).endsWith(methods.get(i) + ":" + i);
      }
      assertThat(dispatcher.dispatch(context("Crate:Burn", "x"))).isFalse();
    }
  }

  private static EventContext context(String name, Object payload) {
    return EventContext.of(
        new EventEnvelope(
            UUID.randomUUID(), name, "Crate", "1", payload, Map.of(), Instant.now(), "c", null, 1));
  }

  private static JavaFileObject[] sources(List<String> methods) {
    StringBuilder crate = new StringBuilder();
    StringBuilder packer = new StringBuilder();
    for (String method : methods) {
      String event = "Crate:" + capitalize(method);
      crate
          .append("  public void ")
          .append(method)
          .append("(int n) {\n")
          .append("    domainEvent(\"")
          .append(event)
          .append("\", new Item(n));\n  }\n");
      packer
          .append("  @EventHandler(\"")
          .append(event)
          .append("\")\n")
          .append("  void on")
          .append(capitalize(method))
          .append("(Item item) {\n")
          .append("    last = \"")
          .append(method)
          .append(":\" + item.n();\n  }\n");
    }
    return new JavaFileObject[] {
      JavaFileObjects.forSourceString(
          "crates.Item", "package crates; public record Item(int n) {}"),
      JavaFileObjects.forSourceString(
          "crates.Crate",
          "package crates;\n\nimport dev.domainevents.Entity;\n\n"
              + "public final class Crate extends Entity {\n"
              + crate
              + "  @Override\n  public String identity() {\n    return \"1\";\n  }\n}\n"),
      JavaFileObjects.forSourceString(
          "crates.Packer",
          "package crates;\n\nimport dev.domainevents.EventHandler;\n\n"
              + "public final class Packer {\n  private String last = \"\";\n\n"
              + packer
              + "  @Override\n  public String toString() {\n    return last;\n  }\n}\n")
    };
  }

  private static String capitalize(String method) {
    return Character.toUpperCase(method.charAt(0)) + method.substring(1);
  }
}
