package dev.domainevents.processor.validation;

import dev.domainevents.processor.model.GeneratedNames;
import dev.domainevents.processor.model.TypeNames;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.NestingKind;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;

/**
 * Checks that a type can be a payload: a non-generic declared type that generated code can name,
 * and, where the payload is decoded by its class, a concrete class, record or enum.
 */
final class PayloadTypes {
  private PayloadTypes() {}

  /**
   * Returns the payload class an entity raises, or {@code null} after reporting at {@code spot} why
   * it cannot be one: it must be decodable by its class alone, and the entity's generated constants
   * class, in the entity's package, must be able to name it.
   */
  static TypeElement raised(TypeMirror type, String usedBy, TypeElement entity, Spot spot) {
    TypeElement payload = payloadClass(type, usedBy, spot);
    if (payload == null || !isDecodable(payload, usedBy, spot)) {
      return null;
    }
    return isNameableFrom(payload, usedBy, GeneratedNames.packageOf(entity), spot) ? payload : null;
  }

  /**
   * Returns the payload class of a handler's first parameter, or {@code null} after reporting: the
   * dispatcher, in the handler's package, casts to it, and a topic handler's payload is decoded by
   * this class (an event handler's may be a supertype of the event's payload, e.g. an interface).
   */
  static TypeElement handled(
      TypeMirror type, String usedBy, TypeElement handler, boolean topic, Spot spot) {
    TypeElement payload = payloadClass(type, usedBy, spot);
    if (payload == null || (topic && !isDecodable(payload, usedBy, spot))) {
      return null;
    }
    return isNameableFrom(payload, usedBy, GeneratedNames.packageOf(handler), spot)
        ? payload
        : null;
  }

  /**
   * Returns the payload class of {@code type}, or {@code null} after reporting at {@code spot} why
   * it cannot be one. An unresolvable type defers the current type (see {@link Spot#unresolved}).
   */
  static TypeElement payloadClass(TypeMirror type, String usedBy, Spot spot) {
    if (ValidationContext.isError(type)) {
      spot.unresolved(type == null ? "?" : type.toString(), usedBy);
      return null;
    }
    if (type.getKind() != TypeKind.DECLARED) {
      spot.report(Messages.GENERIC_PAYLOAD, usedBy, type);
      return null;
    }
    DeclaredType declared = (DeclaredType) type;
    TypeElement element = (TypeElement) declared.asElement();
    if (!declared.getTypeArguments().isEmpty() || !element.getTypeParameters().isEmpty()) {
      spot.report(Messages.GENERIC_PAYLOAD, usedBy, type);
      return null;
    }
    return element;
  }

  /** Returns whether a payload can be decoded by its class alone, else reports why not. */
  private static boolean isDecodable(TypeElement payload, String usedBy, Spot spot) {
    String problem = null;
    if (payload.getQualifiedName().contentEquals(TypeNames.OBJECT.canonicalName())) {
      problem = "declared as Object";
    } else if (payload.getKind().isInterface()) {
      problem = "the interface " + payload.getQualifiedName();
    } else if (payload.getKind() == ElementKind.CLASS
        && payload.getModifiers().contains(Modifier.ABSTRACT)) {
      problem = "the abstract class " + payload.getQualifiedName();
    } else if (payload.getNestingKind() == NestingKind.ANONYMOUS) {
      problem = "an anonymous class";
    }
    if (problem != null) {
      spot.report(Messages.PAYLOAD_NOT_DECODABLE, usedBy, problem);
      return false;
    }
    return true;
  }

  /** Returns whether code in {@code packageName} can name {@code payload}, else reports why not. */
  private static boolean isNameableFrom(
      TypeElement payload, String usedBy, String packageName, Spot spot) {
    if (isNameableFrom(payload, packageName)) {
      return true;
    }
    spot.report(
        Messages.PAYLOAD_NOT_ACCESSIBLE, usedBy, payload.getQualifiedName(), quoted(packageName));
    return false;
  }

  private static boolean isNameableFrom(TypeElement type, String packageName) {
    boolean samePackage = GeneratedNames.packageOf(type).equals(packageName);
    for (Element e = type; e instanceof TypeElement t; e = e.getEnclosingElement()) {
      if (t.getModifiers().contains(Modifier.PRIVATE)
          || t.getNestingKind() == NestingKind.LOCAL
          || t.getNestingKind() == NestingKind.ANONYMOUS
          || (!samePackage && !t.getModifiers().contains(Modifier.PUBLIC))) {
        return false;
      }
    }
    return true;
  }

  /** Returns whether generated code in another class of its package can name {@code type}. */
  static boolean isReachable(TypeElement type) {
    return isNameableFrom(type, GeneratedNames.packageOf(type));
  }

  private static String quoted(String packageName) {
    return packageName.isEmpty() ? "the unnamed package" : "package " + packageName;
  }
}
