package dev.domainevents.processor.validation;

import dev.domainevents.processor.model.GeneratedNames;
import dev.domainevents.processor.model.TypeNames;
import dev.domainevents.spi.EventNames;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.ElementFilter;

/**
 * The event names one entity may raise, one per method, e.g. {@code Goods:Shopping}, and the
 * generated constants that stand for them, e.g. {@code GoodsEvents.SHOPPING}. Checks a name found
 * in source against them with the shared rule of {@link EventNames}.
 */
final class EntityEventNames {
  private final TypeElement entity;
  private final String simpleName;
  private final String entityNameProblem;
  private final Map<String, String> methodByEvent = new LinkedHashMap<>();
  private final Map<String, String> eventByConstant = new LinkedHashMap<>();

  EntityEventNames(ValidationContext context, TypeElement entity) {
    this.entity = entity;
    this.simpleName = entity.getSimpleName().toString();
    this.entityNameProblem = EventNames.aggregateTypeProblem(simpleName);
    for (ExecutableElement method : ElementFilter.methodsIn(context.allMembers(entity))) {
      Element owner = method.getEnclosingElement();
      if (owner.equals(context.entityType)
          || ((TypeElement) owner)
              .getQualifiedName()
              .contentEquals(TypeNames.OBJECT.canonicalName())) {
        continue;
      }
      String methodName = method.getSimpleName().toString();
      String event = GeneratedNames.eventName(simpleName, methodName);
      methodByEvent.putIfAbsent(event, methodName);
      eventByConstant.putIfAbsent(GeneratedNames.constantName(methodName), event);
    }
  }

  /** Checks {@code name}; returns the method it names, or {@code null} after reporting. */
  String check(String name, Spot spot) {
    if (entityNameProblem != null) {
      spot.report(Messages.ENTITY_NAME, entity.getQualifiedName(), entityNameProblem);
      return null;
    }
    String problem = EventNames.problemWith(name);
    if (problem != null) {
      spot.report(Messages.NAME_FORMAT, name, problem, example(name));
      return null;
    }
    if (!EventNames.aggregateType(name).equals(simpleName)) {
      spot.report(Messages.WRONG_ENTITY, name, simpleName);
      return null;
    }
    String method = methodByEvent.get(name);
    if (method == null) {
      spot.report(
          Messages.UNKNOWN_METHOD,
          name,
          simpleName,
          Suggestions.didYouMean(
              name,
              methodByEvent.keySet(),
              " Name the event after a method of "
                  + simpleName
                  + ", with its first letter"
                  + " upper-cased, e.g. \""
                  + example(name)
                  + "\"."));
      return null;
    }
    return method;
  }

  /** Checks a generated constant, {@code GoodsEvents.SHOPPING}; returns the event name. */
  String checkConstant(String holder, String constant, Spot spot) {
    String expected = GeneratedNames.constantsSimpleName(entity);
    if (!holder.equals(expected)) {
      spot.report(Messages.WRONG_ENTITY, holder + "." + constant, simpleName);
      return null;
    }
    String event = eventByConstant.get(constant);
    if (event == null) {
      List<String> constants = new ArrayList<>();
      eventByConstant.keySet().forEach(c -> constants.add(holder + "." + c));
      spot.report(
          Messages.UNKNOWN_METHOD,
          holder + "." + constant,
          simpleName,
          Suggestions.didYouMean(holder + "." + constant, constants, ""));
      return null;
    }
    return event;
  }

  private String example(String wrong) {
    List<String> legal = new ArrayList<>();
    for (String event : methodByEvent.keySet()) {
      if (EventNames.isLegal(event)) {
        legal.add(event);
      }
    }
    return Suggestions.closest(wrong, legal)
        .orElse(legal.isEmpty() ? simpleName + ":Method" : new TreeSet<>(legal).first());
  }
}
