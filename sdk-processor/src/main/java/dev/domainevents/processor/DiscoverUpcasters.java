package dev.domainevents.processor;

import dev.domainevents.processor.model.UpcasterModel;
import dev.domainevents.processor.validation.Messages;
import dev.domainevents.processor.validation.UpcasterMethods;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.ElementFilter;

/**
 * Step 4: the round's {@code @Upcaster} methods, each checked on its own and kept for the registry;
 * two for one event and version are {@code [SdkDuplicateUpcaster]}. Whether their events exist, and
 * whether every locked version has one, is checked with the lock file.
 */
final class DiscoverUpcasters implements ProcessingStep {
  private final CompilationState state;

  DiscoverUpcasters(CompilationState state) {
    this.state = state;
  }

  @Override
  public void process(Round round) {
    TypeElement upcaster = round.context().upcasterType();
    if (upcaster == null) {
      return;
    }
    UpcasterMethods methods = new UpcasterMethods(round.context());
    for (ExecutableElement method :
        ElementFilter.methodsIn(round.environment.getElementsAnnotatedWith(upcaster))) {
      round.guarded(
          method,
          UpcasterMethods.describe(method),
          () -> {
            UpcasterModel model = methods.check(method);
            if (model == null) {
              return;
            }
            UpcasterModel other = state.upcasters.putIfAbsent(model.key(), model);
            if (other != null) {
              round.report.report(
                  method,
                  Messages.DUPLICATE_UPCASTER,
                  UpcasterMethods.describe(other.element()),
                  UpcasterMethods.describe(method),
                  model.event(),
                  model.from());
            }
          });
    }
  }
}
