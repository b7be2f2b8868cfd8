package dev.domainevents.processor.validation;

import dev.domainevents.processor.model.TypeNames;
import dev.domainevents.processor.validation.ApplierFindings.ApplyMethod;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.ElementFilter;

/**
 * Checks the {@code @Apply} methods of an event-sourced aggregate against the events it raises:
 * each raised event has exactly one apply method, each apply method matches a raised event and
 * takes its payload, and the generated applier can call it. Writes no files.
 *
 * <p>Internal to the processor; not an API.
 */
public final class ApplyMethods {
  private final ValidationContext context;
  private final TypeElement apply;
  private final TypeElement eventSourced;

  /** Creates the check; {@link #sdkSupportsIt()} says whether sdk-api has {@code @Apply}. */
  public ApplyMethods(ValidationContext context) {
    this.context = context;
    this.apply = context.type(TypeNames.APPLY);
    this.eventSourced = context.type(TypeNames.EVENT_SOURCED_ENTITY);
  }

  /** Whether the sdk-api on the class path is new enough to have event-sourced aggregates. */
  public boolean sdkSupportsIt() {
    return apply != null && eventSourced != null;
  }

  /** Returns whether {@code type} extends {@code EventSourcedEntity}. */
  public boolean isAggregate(TypeElement type) {
    return context.types.isSubtype(
        context.types.erasure(type.asType()), context.types.erasure(eventSourced.asType()));
  }

  /** Reports {@code @Apply} methods of classes that are not event-sourced aggregates. */
  public void checkAppliesOutsideAggregates(RoundEnvironment round) {
    for (ExecutableElement method :
        ElementFilter.methodsIn(round.getElementsAnnotatedWith(apply))) {
      TypeElement owner = (TypeElement) method.getEnclosingElement();
      if (!isAggregate(owner)) {
        context.report.report(
            method,
            Messages.APPLY_OUTSIDE_AGGREGATE,
            method.getSimpleName(),
            owner.getSimpleName());
      }
    }
  }

  /**
   * Checks {@code found}'s apply methods; returns the findings, or {@code null} if a problem was
   * reported.
   */
  public ApplierFindings check(EntityFindings found) {
    TypeElement aggregate = found.entity();
    String name = aggregate.getSimpleName().toString();
    Map<String, RaisedEvent> raised = new TreeMap<>();
    for (RaisedEvent event : found.events()) {
      raised.put(event.name(), event);
    }
    Map<String, ApplyMethod> applies = new TreeMap<>();
    boolean clean = true;
    for (ExecutableElement method : ElementFilter.methodsIn(aggregate.getEnclosedElements())) {
      AnnotationMirror annotation = annotation(method);
      if (annotation == null) {
        continue;
      }
      if (!callable(method)) {
        clean = false;
        continue;
      }
      TypeMirror parameter = context.types.erasure(method.getParameters().get(0).asType());
      RaisedEvent event = event(method, annotation, parameter, raised, name);
      if (event == null) {
        clean = false;
        continue;
      }
      ApplyMethod earlier = applies.get(event.name());
      if (earlier != null) {
        context.report.report(
            method,
            Messages.DUPLICATE_APPLY,
            earlier.method().getSimpleName(),
            method.getSimpleName(),
            event.name(),
            name);
        clean = false;
        continue;
      }
      applies.put(event.name(), new ApplyMethod(event.name(), method, event.payload()));
    }
    if (!clean) {
      return null; // a broken apply method may well be the missing one: say nothing more
    }
    for (RaisedEvent event : raised.values()) {
      if (!applies.containsKey(event.name())) {
        context.report.report(
            raisingMethod(aggregate, event),
            Messages.MISSING_APPLY,
            name,
            event.name(),
            event.payload().getSimpleName(),
            event.payload().getSimpleName());
        clean = false;
      }
    }
    return clean ? new ApplierFindings(aggregate, new ArrayList<>(applies.values())) : null;
  }

  private boolean callable(ExecutableElement method) {
    boolean ok = true;
    if (method.getModifiers().contains(Modifier.STATIC)) {
      context.report.report(method, Messages.APPLY_STATIC, method.getSimpleName());
      ok = false;
    }
    if (method.getModifiers().contains(Modifier.PRIVATE)) {
      context.report.report(method, Messages.APPLY_PRIVATE, method.getSimpleName());
      ok = false;
    }
    if (method.getReturnType().getKind() != TypeKind.VOID) {
      context.report.report(
          method, Messages.APPLY_NOT_VOID, method.getSimpleName(), method.getReturnType());
      ok = false;
    }
    if (method.getParameters().size() != 1) {
      context.report.report(
          method, Messages.APPLY_PARAMETERS, method.getSimpleName(), method.getParameters().size());
      ok = false;
    }
    return ok;
  }

  /** The raised event {@code method} applies, or {@code null} after reporting why there is none. */
  private RaisedEvent event(
      ExecutableElement method,
      AnnotationMirror annotation,
      TypeMirror parameter,
      Map<String, RaisedEvent> raised,
      String aggregate) {
    String named = value(annotation);
    if (!named.isEmpty()) {
      RaisedEvent event = raised.get(named);
      if (event == null) {
        context.report.report(
            method,
            annotation,
            null,
            Messages.APPLY_UNRAISED,
            method.getSimpleName(),
            "\"" + named + "\"",
            aggregate);
        return null;
      }
      if (!context.types.isSameType(parameter, context.types.erasure(event.payload().asType()))) {
        context.report.report(
            method,
            Messages.APPLY_PAYLOAD_MISMATCH,
            method.getSimpleName(),
            parameter,
            named,
            event.payload().getQualifiedName());
        return null;
      }
      return event;
    }
    List<RaisedEvent> carrying = new ArrayList<>();
    for (RaisedEvent event : raised.values()) {
      if (context.types.isSameType(parameter, context.types.erasure(event.payload().asType()))) {
        carrying.add(event);
      }
    }
    if (carrying.isEmpty()) {
      context.report.report(
          method,
          Messages.APPLY_UNRAISED,
          method.getSimpleName(),
          "an event carrying " + parameter,
          aggregate);
      return null;
    }
    if (carrying.size() > 1) {
      context.report.report(
          method,
          Messages.APPLY_AMBIGUOUS,
          method.getSimpleName(),
          parameter,
          aggregate,
          carrying.stream().map(RaisedEvent::name).toList(),
          carrying.get(0).name());
      return null;
    }
    return carrying.get(0);
  }

  private AnnotationMirror annotation(ExecutableElement method) {
    for (AnnotationMirror mirror : method.getAnnotationMirrors()) {
      if (context.types.isSameType(mirror.getAnnotationType(), apply.asType())) {
        return mirror;
      }
    }
    return null;
  }

  private static String value(AnnotationMirror annotation) {
    for (Map.Entry<? extends ExecutableElement, ? extends AnnotationValue> entry :
        annotation.getElementValues().entrySet()) {
      if (entry.getKey().getSimpleName().contentEquals("value")) {
        return String.valueOf(entry.getValue().getValue());
      }
    }
    return "";
  }

  /** The aggregate's method the event is named after, else the aggregate itself. */
  private static Element raisingMethod(TypeElement aggregate, RaisedEvent event) {
    for (ExecutableElement method : ElementFilter.methodsIn(aggregate.getEnclosedElements())) {
      if (method.getSimpleName().contentEquals(event.methodName())) {
        return method;
      }
    }
    return aggregate;
  }
}
