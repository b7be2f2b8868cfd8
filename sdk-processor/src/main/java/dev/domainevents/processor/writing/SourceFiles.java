package dev.domainevents.processor.writing;

import com.palantir.javapoet.AnnotationSpec;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.TypeSpec;
import dev.domainevents.processor.GeneratedNames;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.annotation.processing.Filer;

/** What every generated source file gets: {@code @Generated} without a date, and one layout. */
final class SourceFiles {
  private static final ClassName GENERATED =
      ClassName.get("javax.annotation.processing", "Generated");

  private SourceFiles() {}

  /**
   * {@code @Generated("dev.domainevents.processor.DomainEventProcessor")}; no date, so builds
   * repeat.
   */
  static AnnotationSpec generated() {
    return AnnotationSpec.builder(GENERATED)
        .addMember("value", "$S", GeneratedNames.PROCESSOR)
        .build();
  }

  /** Writes {@code type} into {@code packageName}, with java.lang imports skipped. */
  static void write(Filer filer, String packageName, TypeSpec type) {
    JavaFile file =
        JavaFile.builder(packageName, type).skipJavaLangImports(true).indent("  ").build();
    try {
      file.writeTo(filer);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "could not write " + packageName + "." + type.name() + ": " + e.getMessage(), e);
    }
  }
}
