package dev.domainevents.processor;

import static com.google.testing.compile.Compiler.javac;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.tools.JavaFileObject;
import javax.tools.StandardLocation;

/** The one place tests set up the compiler. */
final class Compilers {
  private Compilers() {}

  /** javac with the SDK's processor, warnings as they would be in a user's build. */
  static Compiler sdk() {
    return javac().withProcessors(new DomainEventProcessor());
  }

  /**
   * Writes a compilation's class output (classes and resources, e.g. the service file) to {@code
   * directory}, so a class loader or a later compilation's class path can use it.
   */
  static Path writeClassOutput(Compilation compilation, Path directory) {
    try {
      for (JavaFileObject file : compilation.generatedFiles()) {
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
}
