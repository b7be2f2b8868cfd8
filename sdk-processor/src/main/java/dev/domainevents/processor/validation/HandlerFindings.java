package dev.domainevents.processor.validation;

import dev.domainevents.processor.model.HandlerModel;
import java.util.List;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.TypeMirror;

/**
 * A handler class and its valid {@code @EventHandler} methods, sorted by the name they handle.
 *
 * @param handler the handler class
 * @param methods its handler methods
 */
public record HandlerFindings(TypeElement handler, List<Method> methods) {
  /** Copies {@code methods}. */
  public HandlerFindings {
    methods = List.copyOf(methods);
  }

  /**
   * One handler method.
   *
   * @param method the method
   * @param annotation its {@code @EventHandler} annotation
   * @param key the event name, or the topic when {@code topic} is true
   * @param topic whether {@code key} is a plain topic
   * @param payload the declared type of the first parameter, or of its elements when {@code batch}
   * @param argument what the handler receives after the payload
   * @param batch whether the method takes a {@code List} of payloads
   */
  public record Method(
      ExecutableElement method,
      AnnotationMirror annotation,
      String key,
      boolean topic,
      TypeMirror payload,
      HandlerModel.Argument argument,
      boolean batch) {}
}
