package dev.domainevents.processor.validation;

/**
 * Thrown by a validation step when a type it needs is not resolvable yet: another processor may
 * generate it in a later round. The processor defers the whole type and retries it; in the last
 * round the step reports {@link Messages#UNRESOLVED_TYPE} instead of throwing.
 */
public final class UnresolvedTypeException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  UnresolvedTypeException(String typeName) {
    super(typeName, null, false, false);
  }
}
