package dev.domainevents.processor.validation;

import java.util.Map;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.ElementFilter;

/** Reads annotation mirrors: the SDK's annotations have CLASS retention, so never reflectively. */
final class Annotations {
  private Annotations() {}

  /** Returns {@code element}'s annotation of {@code type}, or {@code null}. */
  static AnnotationMirror find(Element element, TypeElement type) {
    for (AnnotationMirror mirror : element.getAnnotationMirrors()) {
      if (mirror.getAnnotationType().asElement().equals(type)) {
        return mirror;
      }
    }
    return null;
  }

  /** Returns the value of {@code name}, explicit or default. */
  static AnnotationValue value(AnnotationMirror mirror, String name) {
    for (Map.Entry<? extends ExecutableElement, ? extends AnnotationValue> entry :
        mirror.getElementValues().entrySet()) {
      if (entry.getKey().getSimpleName().contentEquals(name)) {
        return entry.getValue();
      }
    }
    for (ExecutableElement attribute :
        ElementFilter.methodsIn(mirror.getAnnotationType().asElement().getEnclosedElements())) {
      if (attribute.getSimpleName().contentEquals(name)) {
        return attribute.getDefaultValue();
      }
    }
    throw new IllegalStateException("@" + mirror.getAnnotationType() + " has no " + name + "()");
  }
}
