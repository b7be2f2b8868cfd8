package dev.domainevents.benchmarks;

import dev.domainevents.DomainEvents;
import dev.domainevents.memory.InMemoryInfra;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.ClassPathBeanDefinitionScanner;

/**
 * Time from starting a JVM to {@code DomainEvents.install} returned, measured from this JVM: the
 * child prints a line when it is done. Four programs, run in turn: an install with no events and no
 * handlers (the class path without the generated classes), the compile run's {@code gen.Startup}
 * (every entity's events registered, every handler subscribed), the same program making the handler
 * objects but installing none of them (what the application's own classes cost), and, as a
 * reference, a Spring context that finds the same handler classes by a class path scan and makes
 * them beans.
 */
final class StartupRuns {
  private final String classPath;
  private final Path generatedClasses;

  StartupRuns(Path generatedClasses) {
    this.classPath = System.getProperty("java.class.path");
    this.generatedClasses = generatedClasses;
  }

  /** Milliseconds to an empty install. */
  double empty() throws IOException, InterruptedException {
    return time(classPath, StartupRuns.class.getName(), "empty");
  }

  /** Milliseconds to the install of every generated event type and handler. */
  double sdk() throws IOException, InterruptedException {
    return time(generatedClasses + File.pathSeparator + classPath, "gen.Startup");
  }

  /**
   * Milliseconds to an empty install after making the same handler objects: the application's own
   * classes, loaded whether or not they are subscribed.
   */
  double handlersOnly() throws IOException, InterruptedException {
    return time(generatedClasses + File.pathSeparator + classPath, "gen.Startup", "none");
  }

  /** Milliseconds to a refreshed Spring context that scanned the same handler classes. */
  double spring() throws IOException, InterruptedException {
    return time(
        generatedClasses + File.pathSeparator + classPath, StartupRuns.class.getName(), "spring");
  }

  private static double time(String classPath, String... mainAndArgs)
      throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                classPath));
    command.addAll(List.of(mainAndArgs));
    long start = System.nanoTime();
    Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
    long done = 0;
    StringBuilder output = new StringBuilder();
    try (BufferedReader lines =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        if (line.equals("installed") && done == 0) {
          done = System.nanoTime();
        } else {
          output.append(line).append('\n');
        }
      }
    }
    if (!child.waitFor(60, TimeUnit.SECONDS) || child.exitValue() != 0 || done == 0) {
      child.destroyForcibly();
      throw new IllegalStateException(
          String.join(" ", mainAndArgs) + " did not install:\n" + output);
    }
    return (done - start) / 1e6;
  }

  /** The child program of {@link #empty} and {@link #spring}. */
  public static void main(String[] args) {
    if (args[0].equals("empty")) {
      DomainEvents.install(new InMemoryInfra());
    } else {
      AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext();
      ClassPathBeanDefinitionScanner scanner = new ClassPathBeanDefinitionScanner(context, false);
      scanner.addIncludeFilter(
          (reader, factory) -> reader.getClassMetadata().getClassName().startsWith("gen.Handler"));
      scanner.scan("gen");
      context.refresh();
    }
    System.out.println("installed");
  }
}
