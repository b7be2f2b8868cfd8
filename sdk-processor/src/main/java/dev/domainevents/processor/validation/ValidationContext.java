package dev.domainevents.processor.validation;

import com.palantir.javapoet.ClassName;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.Trees;
import dev.domainevents.processor.model.TypeNames;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.annotation.processing.ProcessingEnvironment;
import javax.lang.model.element.Element;
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
  final Elements elements;
  final Types types;
  final Trees trees;
  final ValidationReport report;
  final boolean lastRound;
  final TypeElement entityType;
  final TypeElement eventHandlerType;
  final TypeElement raisesEventType;
  final TypeElement raisesEventListType;
  final TypeElement eventTopicType;
  final TypeElement eventContextType;
  final TypeElement eventEnvelopeType;
  final TypeElement listType;
  private final Map<TypeElement, List<? extends Element>> allMembers = new HashMap<>();

  /**
   * Creates a context.
   *
   * @param trees the syntax tree API, or {@code null} where the compiler offers none
   */
  public ValidationContext(
      ProcessingEnvironment env, Trees trees, ValidationReport report, boolean lastRound) {
    this.elements = env.getElementUtils();
    this.types = env.getTypeUtils();
    this.trees = trees;
    this.report = report;
    this.lastRound = lastRound;
    this.entityType = type(TypeNames.ENTITY);
    this.eventHandlerType = type(TypeNames.EVENT_HANDLER);
    this.raisesEventType = type(TypeNames.RAISES_EVENT);
    this.raisesEventListType = type(TypeNames.RAISES_EVENT_LIST);
    this.eventTopicType = type(TypeNames.EVENT_TOPIC);
    this.eventContextType = type(TypeNames.EVENT_CONTEXT);
    this.eventEnvelopeType = type(TypeNames.EVENT_ENVELOPE);
    this.listType = elements.getTypeElement("java.util.List");
  }

  private ValidationContext(ValidationContext base, ValidationReport report) {
    this.elements = base.elements;
    this.types = base.types;
    this.trees = base.trees;
    this.report = report;
    this.lastRound = base.lastRound;
    this.entityType = base.entityType;
    this.eventHandlerType = base.eventHandlerType;
    this.raisesEventType = base.raisesEventType;
    this.raisesEventListType = base.raisesEventListType;
    this.eventTopicType = base.eventTopicType;
    this.eventContextType = base.eventContextType;
    this.eventEnvelopeType = base.eventEnvelopeType;
    this.listType = base.listType;
  }

  /**
   * This context with another report, for one type's checks: the SDK's types are looked up once per
   * round, not once per type.
   */
  public ValidationContext withReport(ValidationReport report) {
    return new ValidationContext(this, report);
  }

  /** Returns whether {@code type} is {@code Entity} or a subtype of it. */
  boolean extendsEntity(TypeElement type) {
    return types.isSubtype(types.erasure(type.asType()), types.erasure(entityType.asType()));
  }

  /**
   * {@link Elements#getAllMembers} of {@code type}, computed once per context: javac builds it
   * afresh from the whole supertype closure on every call, and one entity's checks ask for it once
   * per event name, per {@code domainEvent} call and per payload type name.
   */
  List<? extends Element> allMembers(TypeElement type) {
    return allMembers.computeIfAbsent(type, elements::getAllMembers);
  }

  /** Returns whether sdk-api is on the class path; without it there is nothing to check. */
  public boolean sdkPresent() {
    return entityType != null && eventHandlerType != null;
  }

  /** The SDK type named {@code name}, or {@code null} if sdk-api is not on the class path. */
  TypeElement type(ClassName name) {
    return elements.getTypeElement(name.canonicalName());
  }

  /** {@code @EventHandler}, or {@code null} if sdk-api is not on the class path. */
  public TypeElement eventHandlerType() {
    return eventHandlerType;
  }

  /** {@code @Upcaster}, or {@code null} if this sdk-api has none. */
  public TypeElement upcasterType() {
    return type(TypeNames.UPCASTER);
  }

  /** {@code @RaisesEvent} and its container, those of them that sdk-api declares. */
  List<TypeElement> raisesEventTypes() {
    List<TypeElement> found = new ArrayList<>();
    if (raisesEventType != null) {
      found.add(raisesEventType);
    }
    if (raisesEventListType != null) {
      found.add(raisesEventListType);
    }
    return found;
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
