package dev.domainevents.processor.model;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.TypeName;
import java.util.List;
import javax.lang.model.element.TypeElement;

/**
 * A handler class whose dispatcher is generated.
 *
 * @param element the handler class, the dispatcher's originating element
 * @param handler the handler's class name
 * @param handlerType the handler's type as generated code declares it: the class name, or for a
 *     generic class its wildcard type, e.g. {@code Repository<?>}, so the code is lint-clean
 * @param dispatcher the dispatcher to generate, e.g. {@code StoreController_EventDispatcher}
 * @param methods the handler methods, sorted by the name they handle
 * @param isPublic whether the handler class can be named from any package; if not, the dispatcher
 *     gets a static {@code forHandler(Object)} factory for the registry to call
 * @param depth how many superclasses the handler class has; the registry tests subclasses first
 */
public record HandlerModel(
    TypeElement element,
    ClassName handler,
    TypeName handlerType,
    ClassName dispatcher,
    List<Method> methods,
    boolean isPublic,
    int depth) {
  /** Copies {@code methods}. */
  public HandlerModel {
    methods = List.copyOf(methods);
  }

  /** What a handler method receives after the payload. */
  public enum Argument {
    /** Nothing: the method takes the payload only. */
    NONE,
    /** The {@code EventContext}. */
    CONTEXT,
    /** The {@code EventEnvelope}. */
    ENVELOPE,
    /** A batch method's {@code List<EventContext>}, one per payload. */
    CONTEXTS
  }

  /**
   * One handler method.
   *
   * @param key the event name, or the topic when {@code topic} is true
   * @param topic whether {@code key} is a plain topic
   * @param methodName the method to call
   * @param payload the first parameter's (erased) type, or a batch method's element type, which the
   *     payload is cast to
   * @param argument what is passed after the payload
   * @param batch whether the method takes a {@code List} of payloads
   */
  public record Method(
      String key,
      boolean topic,
      String methodName,
      TypeName payload,
      Argument argument,
      boolean batch) {}
}
