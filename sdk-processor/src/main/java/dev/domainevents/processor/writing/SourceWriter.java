package dev.domainevents.processor.writing;

import com.palantir.javapoet.AnnotationSpec;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.TypeSpec;
import dev.domainevents.processor.model.GeneratedNames;
import dev.domainevents.processor.model.TypeNames;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import javax.annotation.processing.Filer;
import javax.lang.model.element.Element;
import javax.lang.model.element.Modifier;
import javax.tools.FileObject;
import javax.tools.JavaFileObject;
import javax.tools.StandardLocation;

/**
 * Writes one generated class from one model, and gives every generated class the same treatment: a
 * class Javadoc, {@code @Generated("dev.domainevents.processor.DomainEventProcessor")} without a
 * date (so builds repeat byte for byte), {@code public final}, its originating elements (for
 * incremental builds), {@code java.lang} imports skipped and one indentation. Subclasses add only
 * what is particular to their class.
 *
 * <p>Internal to the processor; not an API.
 *
 * @param <M> the model a class is generated from
 */
public abstract class SourceWriter<M> {
  private static final AnnotationSpec GENERATED =
      AnnotationSpec.builder(TypeNames.GENERATED)
          .addMember("value", "$S", GeneratedNames.PROCESSOR)
          .build();

  private final Filer filer;

  SourceWriter(Filer filer) {
    this.filer = Objects.requireNonNull(filer, "filer");
  }

  /** Writes the class generated from {@code model}. */
  public final void write(M model) {
    ClassName name = className(model);
    TypeSpec.Builder type =
        TypeSpec.classBuilder(name)
            .addJavadoc(javadoc(model))
            .addAnnotation(GENERATED)
            .addModifiers(Modifier.PUBLIC, Modifier.FINAL);
    for (Element origin : originatingElements(model)) {
      type.addOriginatingElement(origin);
    }
    addMembers(model, type);
    TypeSpec spec = type.build();
    JavaFile file =
        JavaFile.builder(name.packageName(), spec).skipJavaLangImports(true).indent("  ").build();
    // What JavaFile.writeTo(Filer) does, but rendered first and written in one piece: writing
    // to the filer's writer directly sends every token through its synchronized encoder.
    String text = file.toString();
    JavaFileObject source = null;
    try {
      source =
          filer.createSourceFile(
              name.canonicalName(), spec.originatingElements().toArray(new Element[0]));
      try (Writer out = source.openWriter()) {
        out.write(text);
      }
    } catch (IOException e) {
      if (source != null) {
        source.delete();
      }
      throw new UncheckedIOException(
          "could not write " + name.canonicalName() + ": " + e.getMessage(), e);
    }
    writeResources(model);
  }

  /** The class to write. */
  abstract ClassName className(M model);

  /** The class Javadoc: what the class is and where it came from. */
  abstract CodeBlock javadoc(M model);

  /** The source elements the class is generated from. */
  abstract List<? extends Element> originatingElements(M model);

  /** Adds the class's supertypes and members, in a deterministic order. */
  abstract void addMembers(M model, TypeSpec.Builder type);

  /** Writes the resources that go with the class; none by default. */
  void writeResources(M model) {}

  /** Writes a UTF-8 resource to the class output. */
  static void writeResource(
      Filer filer, String path, String text, List<? extends Element> origins) {
    try {
      FileObject file =
          filer.createResource(
              StandardLocation.CLASS_OUTPUT, "", path, origins.toArray(new Element[0]));
      try (OutputStream out = file.openOutputStream()) {
        out.write(text.getBytes(StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not write " + path + ": " + e.getMessage(), e);
    }
  }

  /** The filer the class and its resources are written with. */
  final Filer filer() {
    return filer;
  }
}
