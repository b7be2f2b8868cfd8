package dev.domainevents.processor.validation;

import javax.lang.model.element.Modifier;
import javax.lang.model.element.NestingKind;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;

/** Checks that a type can be a payload: a non-generic declared class, record, enum or interface. */
final class PayloadTypes {
  private PayloadTypes() {}

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

  /** Returns whether generated code in another class can name {@code type}. */
  static boolean isReachable(TypeElement type) {
    for (javax.lang.model.element.Element e = type;
        e instanceof TypeElement t;
        e = e.getEnclosingElement()) {
      if (t.getModifiers().contains(Modifier.PRIVATE)) {
        return false;
      }
      if (t.getNestingKind() == NestingKind.LOCAL || t.getNestingKind() == NestingKind.ANONYMOUS) {
        return false;
      }
    }
    return true;
  }
}
