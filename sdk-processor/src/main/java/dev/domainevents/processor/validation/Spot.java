package dev.domainevents.processor.validation;

import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.Tree;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;

/** Where a finding points: an element (and annotation, and value), or a syntax tree. */
interface Spot {
  /** Reports {@code message} here. */
  void report(Messages message, Object... arguments);

  /** Defers the current type, or in the last round reports the unresolvable type here. */
  void unresolved(String typeName, String usedBy);

  static Spot at(ValidationContext context, Element element) {
    return at(context, element, null, null);
  }

  static Spot at(
      ValidationContext context,
      Element element,
      AnnotationMirror annotation,
      AnnotationValue value) {
    return new Spot() {
      @Override
      public void report(Messages message, Object... arguments) {
        context.report.report(element, annotation, value, message, arguments);
      }

      @Override
      public void unresolved(String typeName, String usedBy) {
        if (!context.lastRound) {
          throw new UnresolvedTypeException(typeName);
        }
        context.report.report(
            element, annotation, value, Messages.UNRESOLVED_TYPE, typeName, usedBy);
      }
    };
  }

  static Spot at(ValidationContext context, Tree tree, CompilationUnitTree unit) {
    return new Spot() {
      @Override
      public void report(Messages message, Object... arguments) {
        context.report.report(tree, unit, message, arguments);
      }

      @Override
      public void unresolved(String typeName, String usedBy) {
        context.unresolved(typeName, usedBy, tree, unit);
      }
    };
  }
}
