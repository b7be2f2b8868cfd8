package dev.domainevents.processor;

import dev.domainevents.processor.validation.HandlerFindings;
import dev.domainevents.processor.validation.HandlerMethods;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.ElementFilter;

/**
 * Step 3: the {@code @EventHandler} methods of each handler class, checked on their own. Handlers
 * wait while an entity waits for a type: they may name its events.
 */
final class DiscoverHandlers implements ProcessingStep {
  private final CompilationState state;

  DiscoverHandlers(CompilationState state) {
    this.state = state;
  }

  @Override
  public void process(Round round) {
    TypeElement eventHandler = round.context().eventHandlerType();
    round.handlerTypes =
        round.withDeferred(
            state.deferredHandlers,
            HandlerMethods.handlerClasses(
                ElementFilter.methodsIn(round.environment.getElementsAnnotatedWith(eventHandler))));
    if (!state.deferredEntities.isEmpty()) {
      round.handlerTypes.forEach(h -> state.deferredHandlers.add(h.getQualifiedName().toString()));
      return;
    }
    for (TypeElement handler : round.handlerTypes) {
      HandlerFindings found =
          round.checkType(
              handler,
              state.deferredHandlers,
              context -> new HandlerMethods(context).scan(handler));
      if (found != null) {
        round.handlers.add(found);
      }
    }
  }
}
