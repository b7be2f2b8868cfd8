package dev.domainevents.processor.validation;

import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.Trees;
import java.util.ArrayList;
import java.util.List;
import javax.annotation.processing.Messager;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.tools.Diagnostic;

/**
 * What the validation steps found in one round. Steps add problems; the processor prints the report
 * once, and generates code only if it {@link #isClean() is clean}.
 *
 * <p>Internal to the processor; not an API.
 */
public final class ValidationReport {
  private final List<Problem> problems = new ArrayList<>();

  /** Creates an empty report. */
  public ValidationReport() {}

  /** Reports {@code message} on {@code element}. */
  public void report(Element element, Messages message, Object... arguments) {
    problems.add(Problem.at(element, message, arguments));
  }

  /**
   * Reports {@code message} on an annotation of {@code element}, and one of its values if given.
   */
  public void report(
      Element element,
      AnnotationMirror annotation,
      AnnotationValue value,
      Messages message,
      Object... arguments) {
    problems.add(Problem.at(element, annotation, value, message, arguments));
  }

  /** Reports {@code message} on the compilation as a whole, e.g. on a processor option. */
  public void reportOnCompilation(Messages message, Object... arguments) {
    problems.add(Problem.at((Element) null, message, arguments));
  }

  /** Reports {@code message} on a syntax tree, e.g. a call's argument. */
  public void report(Tree tree, CompilationUnitTree unit, Messages message, Object... arguments) {
    problems.add(Problem.at(tree, unit, message, arguments));
  }

  /** Adds every problem of {@code other}, in order. */
  public void addAll(ValidationReport other) {
    problems.addAll(other.problems);
  }

  /** Returns whether no error was reported; notes and warnings do not count. */
  public boolean isClean() {
    for (Problem problem : problems) {
      if (problem.message().kind() == Diagnostic.Kind.ERROR) {
        return false;
      }
    }
    return true;
  }

  /** Prints every problem, in the order found. Tree positions need {@code trees}. */
  public void printTo(Messager messager, Trees trees) {
    for (Problem problem : problems) {
      Diagnostic.Kind kind = problem.message().kind();
      if (problem.tree() != null && trees != null) {
        trees.printMessage(kind, problem.text(), problem.tree(), problem.unit());
      } else if (problem.element() != null) {
        messager.printMessage(
            kind, problem.text(), problem.element(), problem.annotation(), problem.value());
      } else {
        messager.printMessage(kind, problem.text());
      }
    }
  }
}
