package dev.domainevents.processor.validation;

import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.Tree;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;

/**
 * One finding of a validation step: the message, its full text, and where it points. A problem
 * points either at an element (optionally at one of its annotations and a value of it) or at a
 * syntax tree, such as the argument of a {@code domainEvent(...)} call.
 */
record Problem(
    Messages message,
    String text,
    Element element,
    AnnotationMirror annotation,
    AnnotationValue value,
    Tree tree,
    CompilationUnitTree unit) {

  static Problem at(Element element, Messages message, Object... arguments) {
    return new Problem(message, message.format(arguments), element, null, null, null, null);
  }

  static Problem at(
      Element element,
      AnnotationMirror annotation,
      AnnotationValue value,
      Messages message,
      Object... arguments) {
    return new Problem(message, message.format(arguments), element, annotation, value, null, null);
  }

  static Problem at(Tree tree, CompilationUnitTree unit, Messages message, Object... arguments) {
    return new Problem(message, message.format(arguments), null, null, null, tree, unit);
  }
}
