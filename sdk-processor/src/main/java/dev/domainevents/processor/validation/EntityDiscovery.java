package dev.domainevents.processor.validation;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.ElementFilter;

/**
 * Step 1: finds the entities among a round's types: every class, top-level or nested, that extends
 * {@code dev.domainevents.Entity}.
 *
 * <p>Internal to the processor; not an API.
 */
public final class EntityDiscovery {
  private final ValidationContext context;

  /** Creates the step. */
  public EntityDiscovery(ValidationContext context) {
    this.context = context;
  }

  /** Returns the entities among {@code types} and their nested types, sorted by qualified name. */
  public List<TypeElement> discover(Collection<? extends Element> types) {
    List<TypeElement> entities = new ArrayList<>();
    for (TypeElement type : ElementFilter.typesIn(types)) {
      collect(type, entities);
    }
    entities.sort(Comparator.comparing(t -> t.getQualifiedName().toString()));
    return entities;
  }

  private void collect(TypeElement type, List<TypeElement> entities) {
    if (isEntity(type)) {
      entities.add(type);
    }
    for (TypeElement nested : ElementFilter.typesIn(type.getEnclosedElements())) {
      collect(nested, entities);
    }
  }

  /**
   * Reports every {@code @RaisesEvent} of {@code round} on a method of a type that is not an
   * entity: such a declaration would register nothing, silently.
   */
  public void checkDeclarationsOutsideEntities(RoundEnvironment round) {
    for (TypeElement annotation : context.raisesEventTypes()) {
      for (ExecutableElement method :
          ElementFilter.methodsIn(round.getElementsAnnotatedWith(annotation))) {
        TypeElement owner = (TypeElement) method.getEnclosingElement();
        if (!isEntity(owner)) {
          context.report.report(
              method,
              Annotations.find(method, annotation),
              null,
              Messages.RAISES_OUTSIDE_ENTITY,
              owner.getQualifiedName(),
              method.getSimpleName());
        }
      }
    }
  }

  /** Returns whether {@code type} is a class that extends {@code Entity}. */
  boolean isEntity(TypeElement type) {
    return type.getKind() == ElementKind.CLASS
        && !type.equals(context.entityType)
        && context.extendsEntity(type);
  }
}
