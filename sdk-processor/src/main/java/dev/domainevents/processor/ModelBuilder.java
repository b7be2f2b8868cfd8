package dev.domainevents.processor;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.WildcardTypeName;
import dev.domainevents.processor.model.EntityModel;
import dev.domainevents.processor.model.EventModel;
import dev.domainevents.processor.model.GeneratedNames;
import dev.domainevents.processor.model.HandlerModel;
import dev.domainevents.processor.model.RegistryModel;
import dev.domainevents.processor.model.UpcasterModel;
import dev.domainevents.processor.validation.EntityFindings;
import dev.domainevents.processor.validation.HandlerFindings;
import dev.domainevents.processor.validation.RaisedEvent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import javax.lang.model.element.Element;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.Types;

/**
 * Builds the immutable models from validation findings that were clean for their type. It decides
 * everything the writers need, so that writers never look at annotations or source.
 *
 * <p>It lives beside the processor rather than in {@code model}, so that the models depend on
 * nothing of validation.
 */
final class ModelBuilder {
  private final Types types;

  ModelBuilder(Types types) {
    this.types = types;
  }

  /** Builds the model of an entity. */
  EntityModel entity(EntityFindings findings) {
    List<EventModel> events = new ArrayList<>();
    for (RaisedEvent event : findings.events()) {
      events.add(
          new EventModel(
              event.name(),
              GeneratedNames.eventConstant(event.name()),
              event.methodName(),
              ClassName.get(event.payload()),
              event.topic(),
              event.version()));
    }
    events.sort(Comparator.comparing(EventModel::name));
    return new EntityModel(
        findings.entity(),
        ClassName.get(findings.entity()),
        GeneratedNames.constantsClass(findings.entity()),
        events);
  }

  /** Builds the model of a handler class. */
  HandlerModel handler(HandlerFindings findings) {
    List<HandlerModel.Method> methods = new ArrayList<>();
    for (HandlerFindings.Method method : findings.methods()) {
      methods.add(
          new HandlerModel.Method(
              method.key(),
              method.topic(),
              method.method().getSimpleName().toString(),
              TypeName.get(types.erasure(method.payload())),
              method.argument(),
              method.batch()));
    }
    methods.sort(Comparator.comparing(HandlerModel.Method::key));
    TypeElement handler = findings.handler();
    ClassName handlerClass = ClassName.get(handler);
    TypeName handlerType = handlerClass;
    if (!handler.getTypeParameters().isEmpty()) {
      TypeName[] wildcards = new TypeName[handler.getTypeParameters().size()];
      Arrays.fill(wildcards, WildcardTypeName.subtypeOf(Object.class));
      handlerType = ParameterizedTypeName.get(handlerClass, wildcards);
    }
    return new HandlerModel(
        handler,
        handlerClass,
        handlerType,
        GeneratedNames.dispatcherClass(handler),
        methods,
        isPublic(handler),
        depth(handler));
  }

  /**
   * Builds the registry model: named by {@code option} if given, else {@code
   * GeneratedEventRegistry} in the package of the first entity, or else of the first handler.
   */
  static RegistryModel registry(
      String option,
      Collection<EntityModel> entities,
      Collection<HandlerModel> handlers,
      Collection<UpcasterModel> upcasters) {
    List<EntityModel> sortedEntities = new ArrayList<>(entities);
    sortedEntities.sort(Comparator.comparing(e -> e.entity().canonicalName()));
    List<HandlerModel> byName = new ArrayList<>(handlers);
    byName.sort(Comparator.comparing(h -> h.handler().canonicalName()));
    Element first =
        !sortedEntities.isEmpty() ? sortedEntities.get(0).element() : byName.get(0).element();
    List<HandlerModel> subclassesFirst = new ArrayList<>(byName);
    subclassesFirst.sort(
        Comparator.comparingInt(HandlerModel::depth)
            .reversed()
            .thenComparing(h -> h.handler().canonicalName()));
    return new RegistryModel(
        GeneratedNames.registryClass(option, GeneratedNames.packageOf(first)),
        sortedEntities,
        subclassesFirst,
        upcasters.stream().sorted(Comparator.comparing(UpcasterModel::key)).toList());
  }

  private static boolean isPublic(TypeElement type) {
    for (Element e = type; e instanceof TypeElement t; e = e.getEnclosingElement()) {
      if (!t.getModifiers().contains(Modifier.PUBLIC)) {
        return false;
      }
    }
    return true;
  }

  private static int depth(TypeElement type) {
    int depth = 0;
    TypeMirror superclass = type.getSuperclass();
    while (superclass.getKind() == TypeKind.DECLARED) {
      depth++;
      superclass = ((TypeElement) ((DeclaredType) superclass).asElement()).getSuperclass();
    }
    return depth;
  }
}
