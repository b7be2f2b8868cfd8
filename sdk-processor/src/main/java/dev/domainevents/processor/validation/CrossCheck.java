package dev.domainevents.processor.validation;

import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeMirror;

/**
 * Step 4: checks entities and handlers against each other and against what earlier rounds and
 * compilations registered: event names are unique in a compilation and among the modules on its
 * class path, and every handler names a known event and accepts its payload.
 *
 * <p>Internal to the processor; not an API.
 */
public final class CrossCheck {
  private final ValidationContext context;
  private final KnownEvents known;

  /** Creates the step. */
  public CrossCheck(ValidationContext context, KnownEvents known) {
    this.context = context;
    this.known = known;
  }

  /**
   * Returns whether no other entity raises any of {@code findings}' event names, in this
   * compilation or in a module on the class path.
   */
  public boolean checkUnique(EntityFindings findings) {
    TypeElement entity = findings.entity();
    String origin = entity.getQualifiedName().toString();
    boolean unique = true;
    for (RaisedEvent event : findings.events()) {
      KnownEvents.Known other = known.compiled(event.name());
      if (other == null || other.origin().equals(origin)) {
        other = known.raisedElsewhere(event.name(), origin);
      }
      if (other != null && !other.origin().equals(origin)) {
        context.report.report(
            entity, Messages.DUPLICATE_EVENT, event.name(), other.origin(), origin);
        unique = false;
      }
    }
    return unique;
  }

  /**
   * Returns whether every event {@code findings} handles is known, with a matching payload. A
   * handler of an event of a broken entity is not reported again, but not clean either.
   */
  public boolean checkHandler(HandlerFindings findings) {
    boolean ok = true;
    for (HandlerFindings.Method method : findings.methods()) {
      if (method.topic()) {
        continue;
      }
      if (known.ofFailedEntity(method.key())) {
        ok = false;
        continue;
      }
      KnownEvents.Known event = known.find(method.key());
      if (event == null) {
        context.report.report(
            method.method(),
            method.annotation(),
            Annotations.value(method.annotation(), "value"),
            Messages.UNKNOWN_EVENT,
            method.key(),
            Suggestions.didYouMean(
                method.key(),
                known.candidates(method.key()),
                " If an entity of another module raises it, put that module, compiled with"
                    + " sdk-processor, on the class path."));
        ok = false;
      } else if (event.payload() != null
          && !context.types.isAssignable(event.payload().asType(), method.payload())) {
        VariableElement parameter = method.method().getParameters().get(0);
        context.report.report(
            parameter,
            method.batch() ? Messages.BATCH_ELEMENT_TYPE : Messages.PAYLOAD_MISMATCH,
            method.method().getSimpleName(),
            simpleName(method.payload()),
            method.key(),
            event.payload().getSimpleName());
        ok = false;
      }
    }
    return ok;
  }

  private static String simpleName(TypeMirror type) {
    if (type instanceof DeclaredType declared) {
      return declared.asElement().getSimpleName().toString();
    }
    return type.toString();
  }
}
