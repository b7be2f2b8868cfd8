package dev.domainevents.processor.model;

import com.palantir.javapoet.ClassName;
import java.util.List;
import javax.lang.model.element.TypeElement;

/**
 * An entity whose events get a constants class and an index resource.
 *
 * @param element the entity, the generated files' originating element
 * @param entity the entity's class name
 * @param constants the constants class to generate, e.g. {@code GoodsEvents}
 * @param events the events, sorted by name
 */
public record EntityModel(
    TypeElement element, ClassName entity, ClassName constants, List<EventModel> events) {
  /** Copies {@code events}. */
  public EntityModel {
    events = List.copyOf(events);
  }

  /** The entity's simple name, the first half of its event names. */
  public String simpleName() {
    return element.getSimpleName().toString();
  }
}
