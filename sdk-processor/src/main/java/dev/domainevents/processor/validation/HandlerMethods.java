package dev.domainevents.processor.validation;

import dev.domainevents.processor.model.HandlerModel.Argument;
import dev.domainevents.spi.EventNames;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.type.WildcardType;
import javax.lang.model.util.ElementFilter;

/**
 * Step 3: checks a handler class's {@code @EventHandler} methods on their own: what each names, its
 * modifiers, return type and parameters, and one method per event in the class. Whether the named
 * events exist is the cross-check's job.
 *
 * <p>Internal to the processor; not an API.
 */
public final class HandlerMethods {
  private final ValidationContext context;

  /** Creates the step. */
  public HandlerMethods(ValidationContext context) {
    this.context = context;
  }

  /** Returns the classes declaring {@code @EventHandler} methods among {@code methods}. */
  public static List<TypeElement> handlerClasses(Iterable<? extends ExecutableElement> methods) {
    List<TypeElement> classes = new ArrayList<>();
    for (ExecutableElement method : methods) {
      TypeElement owner = (TypeElement) method.getEnclosingElement();
      if (!classes.contains(owner)) {
        classes.add(owner);
      }
    }
    classes.sort(Comparator.comparing(t -> t.getQualifiedName().toString()));
    return classes;
  }

  /**
   * Returns the valid handler methods of {@code handler}, or {@code null} if it has problems (which
   * are in the report).
   *
   * @throws UnresolvedTypeException if a parameter type is not resolvable yet
   */
  public HandlerFindings scan(TypeElement handler) {
    boolean cleanBefore = context.report.isClean();
    if (!PayloadTypes.isReachable(handler)) {
      context.report.report(handler, Messages.HANDLER_CLASS, handler.getQualifiedName());
      return null;
    }
    List<HandlerFindings.Method> methods = new ArrayList<>();
    Map<String, ExecutableElement> byKey = new LinkedHashMap<>();
    for (ExecutableElement method : ElementFilter.methodsIn(handler.getEnclosedElements())) {
      AnnotationMirror annotation = Annotations.find(method, context.eventHandlerType);
      if (annotation == null) {
        continue;
      }
      HandlerFindings.Method found = check(method, annotation);
      if (found == null) {
        continue;
      }
      ExecutableElement other = byKey.putIfAbsent(found.key(), method);
      if (other != null) {
        context.report.report(
            method,
            Messages.DUPLICATE_HANDLER,
            other.getSimpleName(),
            method.getSimpleName(),
            found.key(),
            handler.getSimpleName());
        continue;
      }
      methods.add(found);
    }
    methods.sort(Comparator.comparing(HandlerFindings.Method::key));
    return cleanBefore && !context.report.isClean() ? null : new HandlerFindings(handler, methods);
  }

  private HandlerFindings.Method check(ExecutableElement method, AnnotationMirror annotation) {
    String methodName = method.getSimpleName().toString();
    AnnotationValue eventValue = Annotations.value(annotation, "value");
    AnnotationValue topicValue = Annotations.value(annotation, "topic");
    String event = String.valueOf(eventValue.getValue());
    String topic = String.valueOf(topicValue.getValue());
    if (event.isEmpty() == topic.isEmpty()) {
      context.report.report(
          method,
          annotation,
          null,
          Messages.HANDLER_TARGET,
          methodName,
          event.isEmpty()
              ? "names neither an event nor a topic"
              : "names both an event and a topic");
      return null;
    }
    boolean ok = true;
    if (!topic.isEmpty()) {
      // A plain topic gets retry and dead-letter forms like an event topic does.
      ok =
          EventTopics.check(
              topic, "\"" + topic + "\"", Spot.at(context, method, annotation, topicValue));
    } else {
      String problem = EventNames.problemWith(event);
      if (problem != null) {
        context.report.report(
            method, annotation, eventValue, Messages.NAME_FORMAT, event, problem, "Goods:Shopping");
        ok = false;
      }
    }
    if (method.getModifiers().contains(Modifier.PRIVATE)) {
      context.report.report(method, Messages.HANDLER_PRIVATE, methodName);
      ok = false;
    }
    if (method.getModifiers().contains(Modifier.STATIC)) {
      context.report.report(method, Messages.HANDLER_STATIC, methodName);
      ok = false;
    }
    if (method.getReturnType().getKind() != TypeKind.VOID) {
      context.report.report(method, Messages.HANDLER_NOT_VOID, methodName, method.getReturnType());
      ok = false;
    }
    List<? extends VariableElement> parameters = method.getParameters();
    if (parameters.isEmpty() || parameters.size() > 2) {
      context.report.report(method, Messages.HANDLER_PARAMETERS, methodName, parameters.size());
      return null;
    }
    VariableElement payloadParameter = parameters.get(0);
    TypeMirror payloadType = payloadParameter.asType();
    boolean batch = isList(payloadType);
    if (batch) {
      payloadType = batchElement(methodName, payloadParameter);
      if (payloadType == null) {
        return null;
      }
    } else if (isOtherCollection(payloadType)) {
      context.report.report(
          payloadParameter,
          Messages.BATCH_COLLECTION,
          methodName,
          payloadType,
          elementHint(payloadType));
      return null;
    }
    Argument second = Argument.NONE;
    if (parameters.size() == 2) {
      VariableElement parameter = parameters.get(1);
      TypeMirror type = parameter.asType();
      if (ValidationContext.isError(type)) {
        Spot.at(context, parameter).unresolved(type.toString(), "handler " + methodName);
        return null;
      } else if (batch) {
        if (context.types.isSameType(
            type,
            context.types.getDeclaredType(context.listType, context.eventContextType.asType()))) {
          second = Argument.CONTEXTS;
        } else {
          context.report.report(parameter, Messages.BATCH_SECOND_PARAMETER, methodName, type);
          ok = false;
        }
      } else if (context.types.isSameType(type, context.eventContextType.asType())) {
        second = Argument.CONTEXT;
      } else if (context.types.isSameType(type, context.eventEnvelopeType.asType())) {
        second = Argument.ENVELOPE;
      } else {
        context.report.report(parameter, Messages.HANDLER_SECOND_PARAMETER, methodName, type);
        ok = false;
      }
    }
    boolean isTopic = !topic.isEmpty();
    TypeElement payload =
        PayloadTypes.handled(
            payloadType,
            "handler " + methodName,
            (TypeElement) method.getEnclosingElement(),
            isTopic,
            Spot.at(context, payloadParameter));
    if (payload == null || !ok) {
      return null;
    }
    return new HandlerFindings.Method(
        method, annotation, isTopic ? topic : event, isTopic, payloadType, second, batch);
  }

  /** Whether {@code type} is {@code java.util.List}, with or without type arguments. */
  private boolean isList(TypeMirror type) {
    return type.getKind() == TypeKind.DECLARED
        && context.listType != null
        && ((DeclaredType) type).asElement().equals(context.listType);
  }

  /**
   * Whether {@code type} is an array, or a generic collection other than {@code List}: a batch
   * handler written with the wrong container. A non-generic payload class that happens to be {@code
   * Iterable} is still a payload.
   */
  private boolean isOtherCollection(TypeMirror type) {
    if (type.getKind() == TypeKind.ARRAY) {
      return true;
    }
    if (type.getKind() != TypeKind.DECLARED) {
      return false;
    }
    TypeElement element = (TypeElement) ((DeclaredType) type).asElement();
    TypeElement iterable = context.elements.getTypeElement("java.lang.Iterable");
    return !element.getTypeParameters().isEmpty()
        && iterable != null
        && context.types.isSubtype(
            context.types.erasure(type), context.types.erasure(iterable.asType()));
  }

  /** The element type of a batch handler's {@code List}, or {@code null} after reporting. */
  private TypeMirror batchElement(String methodName, VariableElement parameter) {
    List<? extends TypeMirror> arguments = ((DeclaredType) parameter.asType()).getTypeArguments();
    if (arguments.isEmpty()) {
      context.report.report(parameter, Messages.BATCH_RAW_LIST, methodName);
      return null;
    }
    TypeMirror element = arguments.get(0);
    if (element.getKind() == TypeKind.WILDCARD) {
      context.report.report(
          parameter,
          Messages.BATCH_WILDCARD,
          methodName,
          parameter.asType(),
          elementHint(parameter.asType()));
      return null;
    }
    return element;
  }

  /** The payload type a wrong container names, for a message's example, or {@code Payload}. */
  private static String elementHint(TypeMirror container) {
    TypeMirror element = null;
    if (container.getKind() == TypeKind.ARRAY) {
      element = ((ArrayType) container).getComponentType();
    } else if (container instanceof DeclaredType declared
        && declared.getTypeArguments().size() == 1) {
      element = declared.getTypeArguments().get(0);
      if (element instanceof WildcardType wildcard) {
        element = wildcard.getExtendsBound();
      }
    }
    if (element instanceof DeclaredType declared) {
      return declared.asElement().getSimpleName().toString();
    }
    return "Payload";
  }
}
