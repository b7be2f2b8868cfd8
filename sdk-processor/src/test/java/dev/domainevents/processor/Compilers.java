package dev.domainevents.processor;

import static com.google.testing.compile.Compiler.javac;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import java.io.File;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.StandardLocation;
import javax.tools.ToolProvider;

/** The one place tests set up the compiler. */
final class Compilers {
  private Compilers() {}

  /** javac with the SDK's processor, warnings as they would be in a user's build. */
  static Compiler sdk() {
    return javac().withProcessors(new DomainEventProcessor());
  }

  /**
   * The files a compilation wrote. compile-testing also lists a resource the processor only looked
   * for in the class output (the lock file, {@code Filer.getResource}), which cannot be opened.
   */
  static List<JavaFileObject> writtenFiles(Compilation compilation) {
    List<JavaFileObject> written = new ArrayList<>();
    for (JavaFileObject file : compilation.generatedFiles()) {
      try (InputStream in = file.openInputStream()) {
        written.add(file);
      } catch (FileNotFoundException e) {
        // Looked up, never written.
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return written;
  }

  /**
   * Writes a compilation's class output (classes and resources, e.g. the service file) to {@code
   * directory}, so a class loader or a later compilation's class path can use it.
   */
  static Path writeClassOutput(Compilation compilation, Path directory) {
    try {
      for (JavaFileObject file : writtenFiles(compilation)) {
        String uri = file.toUri().getPath();
        String marker = "/" + StandardLocation.CLASS_OUTPUT.getName() + "/";
        int at = uri.indexOf(marker);
        if (at < 0) {
          continue;
        }
        Path target = directory.resolve(uri.substring(at + marker.length()));
        Files.createDirectories(target.getParent());
        try (InputStream in = file.openInputStream()) {
          Files.copy(in, target);
        }
      }
      return directory;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * What javac reported when run as a build runs it, on real directories.
   *
   * @param succeeded whether the compilation succeeded
   * @param errors the errors, in the order reported
   * @param generatedSources the directory of the generated sources ({@code -s})
   */
  record DirectoryCompilation(
      boolean succeeded,
      List<Diagnostic<? extends JavaFileObject>> errors,
      Path generatedSources) {}

  /**
   * Compiles {@code sources} with the SDK's processor into {@code classes} (created if missing),
   * under {@code work}, with the test class path and {@code classes} itself on the class path, as
   * Maven does with {@code target/classes}. Unlike compile-testing, this keeps the generated files
   * of a failed compilation, and the class output is a real directory a later compilation reads.
   */
  static DirectoryCompilation compileInDirectories(
      Path work, Path classes, List<JavaFileObject> sources) {
    try {
      Path sourceDirectory = Files.createDirectories(work.resolve("src"));
      Path generated = Files.createDirectories(work.resolve("generated"));
      Files.createDirectories(classes);
      List<Path> files = new ArrayList<>();
      for (JavaFileObject source : sources) {
        Path file = sourceDirectory.resolve(source.getName().replaceFirst("^/", ""));
        Files.createDirectories(file.getParent());
        Files.writeString(file, source.getCharContent(true));
        files.add(file);
      }
      JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
      DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
      boolean succeeded;
      try (StandardJavaFileManager fileManager =
          javac.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
        JavaCompiler.CompilationTask task =
            javac.getTask(
                null,
                fileManager,
                diagnostics,
                List.of(
                    "-proc:full",
                    "-s",
                    generated.toString(),
                    "-d",
                    classes.toString(),
                    "-classpath",
                    System.getProperty("java.class.path") + File.pathSeparator + classes),
                null,
                fileManager.getJavaFileObjectsFromPaths(files));
        task.setProcessors(List.of(new DomainEventProcessor()));
        succeeded = task.call();
      }
      List<Diagnostic<? extends JavaFileObject>> errors = new ArrayList<>();
      for (Diagnostic<? extends JavaFileObject> diagnostic : diagnostics.getDiagnostics()) {
        if (diagnostic.getKind() == Diagnostic.Kind.ERROR) {
          errors.add(diagnostic);
        }
      }
      return new DirectoryCompilation(succeeded, errors, generated);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
