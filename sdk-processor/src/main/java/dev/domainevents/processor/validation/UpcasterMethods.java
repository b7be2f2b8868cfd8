package dev.domainevents.processor.validation;

import com.palantir.javapoet.ClassName;
import dev.domainevents.Upcaster;
import dev.domainevents.processor.model.UpcasterModel;
import dev.domainevents.spi.EventNames;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/**
 * Checks one {@code @Upcaster} method on its own: its shape, its event name and its version.
 * Whether its event exists and whether every locked version has one is checked once the whole
 * compilation is known.
 *
 * <p>Internal to the processor; not an API.
 */
public final class UpcasterMethods {
  private final ValidationReport report;
  private final Types types;
  private final TypeMirror tree;

  /** A checker reporting to {@code context}'s report. */
  public UpcasterMethods(ValidationContext context) {
    this.report = context.report;
    this.types = context.types;
    Elements elements = context.elements;
    TypeElement map = elements.getTypeElement("java.util.Map");
    TypeElement string = elements.getTypeElement("java.lang.String");
    TypeElement object = elements.getTypeElement("java.lang.Object");
    this.tree = types.getDeclaredType(map, string.asType(), object.asType());
  }

  /** Returns the upcaster's model, or {@code null} after reporting why it cannot be one. */
  public UpcasterModel check(ExecutableElement method) {
    Upcaster annotation = method.getAnnotation(Upcaster.class);
    String problem = shapeProblem(method);
    if (problem != null) {
      report.report(
          method, Messages.UPCASTER_SIGNATURE, describe(method), method.getSimpleName(), problem);
      return null;
    }
    String nameProblem = EventNames.problemWith(annotation.event());
    if (nameProblem != null) {
      report.report(
          method,
          Messages.UPCASTER_TARGET,
          annotation.event(),
          annotation.from(),
          describe(method),
          "names no event: " + nameProblem);
      return null;
    }
    if (annotation.from() < 1) {
      report.report(
          method,
          Messages.UPCASTER_TARGET,
          annotation.event(),
          annotation.from(),
          describe(method),
          "reads no version: versions start at 1");
      return null;
    }
    return new UpcasterModel(
        annotation.event(),
        annotation.from(),
        ClassName.get((TypeElement) method.getEnclosingElement()),
        method.getSimpleName().toString(),
        method);
  }

  /** {@code Owner.method}, for messages. */
  public static String describe(ExecutableElement method) {
    return method.getEnclosingElement().getSimpleName() + "." + method.getSimpleName();
  }

  private String shapeProblem(ExecutableElement method) {
    if (!method.getModifiers().contains(Modifier.STATIC)) {
      return "it is not static";
    }
    if (!method.getModifiers().contains(Modifier.PUBLIC)) {
      return "it is not public";
    }
    for (Element e = method.getEnclosingElement();
        e instanceof TypeElement t;
        e = e.getEnclosingElement()) {
      if (!t.getModifiers().contains(Modifier.PUBLIC)) {
        return t.getSimpleName() + " is not public";
      }
    }
    if (method.getParameters().size() != 1
        || !types.isSameType(method.getParameters().get(0).asType(), tree)) {
      return "its parameters are " + method.getParameters();
    }
    if (!types.isSameType(method.getReturnType(), tree)) {
      return "it returns " + method.getReturnType();
    }
    if (!method.getTypeParameters().isEmpty()) {
      return "it is generic";
    }
    return null;
  }
}
