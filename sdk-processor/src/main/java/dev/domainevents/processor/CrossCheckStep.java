package dev.domainevents.processor;

import dev.domainevents.processor.validation.CrossCheck;
import dev.domainevents.processor.validation.EntityFindings;
import java.util.Iterator;

/**
 * Step 5: entities and handlers against each other, earlier rounds and the class path. Keeps for
 * generation only the entities whose event names are unique and the handlers whose events exist
 * with a matching payload.
 */
final class CrossCheckStep implements ProcessingStep {
  private final CompilationState state;

  CrossCheckStep(CompilationState state) {
    this.state = state;
  }

  @Override
  public void process(Round round) {
    CrossCheck crossCheck = new CrossCheck(round.context(), state.known);
    // One at a time: each entity is checked against those before it, then joins them.
    for (Iterator<EntityFindings> it = round.entities.iterator(); it.hasNext(); ) {
      EntityFindings found = it.next();
      if (crossCheck.checkUnique(found)) {
        state.known.add(found);
      } else {
        it.remove();
      }
    }
    round.handlers.removeIf(found -> !crossCheck.checkHandler(found));
  }
}
