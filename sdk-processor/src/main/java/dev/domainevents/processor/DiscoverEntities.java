package dev.domainevents.processor;

import dev.domainevents.processor.validation.EntityDiscovery;
import dev.domainevents.processor.validation.Messages;

/**
 * Step 1: the round's entities, with those an earlier round deferred; and every
 * {@code @RaisesEvent} outside an entity, which would otherwise do nothing, silently.
 */
final class DiscoverEntities implements ProcessingStep {
  private final CompilationState state;

  DiscoverEntities(CompilationState state) {
    this.state = state;
  }

  @Override
  public void process(Round round) {
    EntityDiscovery discovery = new EntityDiscovery(round.context());
    round.entityTypes =
        round.withDeferred(
            state.deferredEntities, discovery.discover(round.environment.getRootElements()));
    discovery.checkDeclarationsOutsideEntities(round.environment);
    if (round.trees == null && !round.entityTypes.isEmpty() && !state.noTreeApiNoted) {
      state.noTreeApiNoted = true;
      round.report.report(round.entityTypes.get(0), Messages.NO_TREE_API);
    }
  }
}
