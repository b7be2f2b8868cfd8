package dev.domainevents.benchmarks;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * What the annotation processor adds to a compile: sources of {@code entities} entities with {@code
 * eventsPerEntity} events each (one payload record per event) and one handler class per entity with
 * a handler method per event, compiled with javac in this JVM, once with the SDK's processor and
 * once with {@code -proc:none} on the same sources plus the sources the processor generated,
 * alternated. The processor runs from the benchmark's class path, as Maven's {@code
 * annotationProcessorPaths} would run it. The sources include {@code gen.Startup}, which installs
 * every handler; {@link StartupRuns} starts it.
 */
final class CompileRuns {
  private static final String PROCESSOR = "dev.domainevents.processor.DomainEventProcessor";

  private final Path root;
  private final List<String> sources = new ArrayList<>();
  private final JavaCompiler javac = ToolProvider.getSystemJavaCompiler();

  CompileRuns(int entities, int eventsPerEntity) throws IOException {
    root = Files.createTempDirectory("compile-bench");
    Path dir = Files.createDirectories(root.resolve("src/gen"));
    for (int e = 0; e < entities; e++) {
      StringBuilder entity =
          new StringBuilder("package gen;\n\nimport dev.domainevents.Entity;\n\n")
              .append("public final class Entity")
              .append(e)
              .append(" extends Entity {\n")
              .append("  private final String id;\n\n")
              .append("  public Entity")
              .append(e)
              .append("(String id) {\n")
              .append("    this.id = id;\n  }\n\n");
      StringBuilder handler =
          new StringBuilder("package gen;\n\nimport dev.domainevents.EventHandler;\n\n")
              .append("public final class Handler")
              .append(e)
              .append(" {\n")
              .append("  long total;\n");
      for (int v = 0; v < eventsPerEntity; v++) {
        String payload = "Payload" + e + "x" + v;
        write(dir, payload, "package gen;\n\npublic record " + payload + "(long amount) {}\n");
        entity
            .append("  public void step")
            .append(v)
            .append('(')
            .append(payload)
            .append(" payload) {\n    domainEvent(\"Entity")
            .append(e)
            .append(":Step")
            .append(v)
            .append("\", payload);\n  }\n\n");
        handler
            .append("\n  @EventHandler(\"Entity")
            .append(e)
            .append(":Step")
            .append(v)
            .append("\")\n  void on")
            .append(v)
            .append('(')
            .append(payload)
            .append(" payload) {\n    total += payload.amount();\n  }\n");
      }
      entity.append("  @Override\n  public String identity() {\n    return id;\n  }\n}\n");
      write(dir, "Entity" + e, entity.toString());
      write(dir, "Handler" + e, handler.append("}\n").toString());
    }
    // StartupRuns' program: makes every handler and installs them, as an application's main
    // would; with an argument it makes them and installs none (what the application's own classes
    // cost).
    StringBuilder startup =
        new StringBuilder("package gen;\n\n")
            .append("import dev.domainevents.DomainEvents;\n")
            .append("import dev.domainevents.memory.InMemoryInfra;\n\n")
            .append("public final class Startup {\n")
            .append("  public static void main(String[] args) {\n")
            .append("    Object[] handlers = {");
    for (int e = 0; e < entities; e++) {
      startup.append(e == 0 ? "\n" : ",\n").append("      new Handler").append(e).append("()");
    }
    startup
        .append("\n    };\n")
        .append("    if (args.length == 0) {\n")
        .append("      DomainEvents.install(new InMemoryInfra(), handlers);\n")
        .append("    } else {\n")
        .append("      DomainEvents.install(new InMemoryInfra());\n")
        .append("    }\n")
        .append("    System.out.println(\"installed\");\n  }\n}\n");
    write(dir, "Startup", startup.toString());
  }

  /** The classes the processor run compiled, generated ones included. */
  Path classes() {
    return root.resolve("with-classes");
  }

  private void write(Path dir, String name, String text) throws IOException {
    Path file = dir.resolve(name + ".java");
    Files.writeString(file, text);
    sources.add(file.toString());
  }

  /**
   * Compiles with the processor; returns nanoseconds. The generated sources stay for {@link
   * #plain}.
   */
  long withProcessor() throws IOException {
    Path out = fresh("with-classes");
    Path generated = fresh("generated");
    List<String> args =
        new ArrayList<>(
            List.of(
                "-d",
                out.toString(),
                "-s",
                generated.toString(),
                "-classpath",
                System.getProperty("java.class.path"),
                "-processor",
                PROCESSOR,
                "-implicit:none"));
    return compile(args, sources);
  }

  /** Compiles the same sources plus the generated ones with {@code -proc:none}; nanoseconds. */
  long plain() throws IOException {
    Path out = fresh("plain-classes");
    List<String> files = new ArrayList<>(sources);
    try (Stream<Path> generated = Files.walk(root.resolve("generated"))) {
      generated.filter(p -> p.toString().endsWith(".java")).forEach(p -> files.add(p.toString()));
    }
    if (files.size() == sources.size()) {
      throw new IllegalStateException("run withProcessor() first: no generated sources yet");
    }
    List<String> args =
        new ArrayList<>(
            List.of(
                "-d",
                out.toString(),
                "-classpath",
                System.getProperty("java.class.path"),
                "-proc:none",
                "-implicit:none"));
    return compile(args, files);
  }

  private long compile(List<String> args, List<String> files) {
    args.addAll(files);
    PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
    System.gc(); // the previous compile's garbage is not this one's to collect
    long start = System.nanoTime();
    int status = javac.run(null, quiet, quiet, args.toArray(new String[0]));
    long elapsed = System.nanoTime() - start;
    if (status != 0) {
      throw new IllegalStateException(
          "javac failed ("
              + status
              + ") on the generated sources in "
              + root
              + "; rerun its command by hand to see why");
    }
    return elapsed;
  }

  private Path fresh(String name) throws IOException {
    Path dir = root.resolve(name);
    delete(dir);
    return Files.createDirectories(dir);
  }

  /** Deletes everything the runs wrote. */
  void delete() throws IOException {
    delete(root);
  }

  private static void delete(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(file);
      }
    }
  }
}
