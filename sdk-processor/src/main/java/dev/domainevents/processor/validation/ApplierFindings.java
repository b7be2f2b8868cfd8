package dev.domainevents.processor.validation;

import java.util.List;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;

/**
 * An event-sourced aggregate and its {@code @Apply} methods, one per event it raises, as validation
 * found them.
 *
 * <p>Internal to the processor; not an API.
 *
 * @param aggregate the aggregate class
 * @param applies one per raised event, sorted by event name
 */
public record ApplierFindings(TypeElement aggregate, List<ApplyMethod> applies) {
  /** Copies {@code applies}. */
  public ApplierFindings {
    applies = List.copyOf(applies);
  }

  /**
   * One event and the method that applies it.
   *
   * @param eventName the event, e.g. {@code Goods:Restock}
   * @param method the {@code @Apply} method
   * @param payload the event's payload class, the method's parameter type
   */
  public record ApplyMethod(String eventName, ExecutableElement method, TypeElement payload) {}
}
