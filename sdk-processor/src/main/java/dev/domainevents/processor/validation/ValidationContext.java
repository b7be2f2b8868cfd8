package dev.domainevents.processor.validation;

import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.Trees;
import javax.annotation.processing.ProcessingEnvironment;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/**
 * What every validation step needs: the compiler's utilities, the SDK's own types, the report to
 * add problems to, and whether this is the last round (when an unresolvable type becomes an error
 * instead of a reason to wait).
 *
 * <p>Internal to the processor; not an API.
 */
public final class ValidationContext {
  final ProcessingEnvironment env;
  final Elements elements;
  final Types types;
  final Trees trees;
  final ValidationReport report;
  final boolean lastRound;
  final TypeElement entityType;
  final TypeElement eventHandlerType;
  final TypeElement raisesEventType;
  final TypeElement raisesEventListType;
  final TypeElement eventContextType;
  final TypeElement eventEnvelopeType;

  /**
   * Creates a context.
   *
   * @param trees the syntax tree API, or {@code null} where the compiler offers none
   */
  public ValidationContext(
      ProcessingEnvironment env, Trees trees, ValidationReport report, boolean lastRound) {
    this.env = env;
    this.elements = env.getElementUtils();
    this.types = env.getTypeUtils();
    this.trees = trees;
    this.report = report;
    this.lastRound = lastRound;
    this.entityType = elements.getTypeElement("dev.domainevents.Entity");
    this.eventHandlerType = elements.getTypeElement("dev.domainevents.EventHandler");
    this.raisesEventType = elements.getTypeElement("dev.domainevents.RaisesEvent");
    this.raisesEventListType = elements.getTypeElement("dev.domainevents.RaisesEvent.List");
    this.eventContextType = elements.getTypeElement("dev.domainevents.EventContext");
    this.eventEnvelopeType = elements.getTypeElement("dev.domainevents.EventEnvelope");
  }

  /** Returns whether sdk-api is on the class path; without it there is nothing to check. */
  public boolean sdkPresent() {
    return entityType != null && eventHandlerType != null;
  }

  /** The report problems are added to. */
  public ValidationReport report() {
    return report;
  }

  /**
   * Handles a type that cannot be resolved: before the last round, defers the current type by
   * throwing; in the last round, reports it on {@code tree} and returns.
   */
  void unresolved(String typeName, String usedBy, Tree tree, CompilationUnitTree unit) {
    if (!lastRound) {
      throw new UnresolvedTypeException(typeName);
    }
    report.report(tree, unit, Messages.UNRESOLVED_TYPE, typeName, usedBy);
  }

  /** Returns whether {@code type} is an unresolved (error) type. */
  static boolean isError(TypeMirror type) {
    return type == null || type.getKind() == TypeKind.ERROR;
  }
}
