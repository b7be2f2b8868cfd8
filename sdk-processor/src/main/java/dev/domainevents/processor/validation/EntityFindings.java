package dev.domainevents.processor.validation;

import java.util.List;
import javax.lang.model.element.TypeElement;

/**
 * An entity and the events it raises, sorted by name, as validation found them.
 *
 * @param entity the entity class
 * @param events its events, one per name, sorted by name
 */
public record EntityFindings(TypeElement entity, List<RaisedEvent> events) {
  /** Copies {@code events}. */
  public EntityFindings {
    events = List.copyOf(events);
  }
}
