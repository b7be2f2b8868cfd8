package dev.domainevents.processor;

import dev.domainevents.processor.validation.EntityFindings;
import dev.domainevents.processor.validation.RaisedEventReader;
import javax.lang.model.element.TypeElement;

/**
 * Step 2: the events each entity raises. An entity with problems is left out of generation, and
 * remembered as failed, so that handlers of its events are not reported a second time.
 */
final class DiscoverRaisedEvents implements ProcessingStep {
  private final CompilationState state;

  DiscoverRaisedEvents(CompilationState state) {
    this.state = state;
  }

  @Override
  public void process(Round round) {
    for (TypeElement entity : round.entityTypes) {
      EntityFindings found =
          round.checkType(
              entity,
              state.deferredEntities,
              context -> new RaisedEventReader(context).read(entity));
      if (found != null) {
        round.entities.add(found);
      } else if (!state.deferredEntities.contains(entity.getQualifiedName().toString())) {
        state.known.addFailed(entity);
      }
    }
  }
}
