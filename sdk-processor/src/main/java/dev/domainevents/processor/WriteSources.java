package dev.domainevents.processor;

import dev.domainevents.processor.model.EntityModel;
import dev.domainevents.processor.model.HandlerModel;
import dev.domainevents.processor.model.RegistryModel;
import dev.domainevents.processor.validation.EntityFindings;
import dev.domainevents.processor.validation.HandlerFindings;
import dev.domainevents.processor.validation.Messages;
import dev.domainevents.processor.writing.AsyncApiWriter;
import dev.domainevents.processor.writing.ConstantsWriter;
import dev.domainevents.processor.writing.DispatcherWriter;
import dev.domainevents.processor.writing.EventIndexWriter;
import dev.domainevents.processor.writing.HttpRoutesWriter;
import dev.domainevents.processor.writing.RegistryWriter;
import javax.annotation.processing.Filer;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.TypeElement;

/**
 * Step 7: builds the models of the types found clean and writes their files. Constants and
 * dispatchers are written in the round their source appears; the registry, which lists them all, in
 * the first later round that discovers nothing new, and only if no error was reported, since a
 * registry missing a broken entity would be wrong.
 */
final class WriteSources implements ProcessingStep {
  private final CompilationState state;
  private final String registryOption;

  WriteSources(CompilationState state, String registryOption) {
    this.state = state;
    this.registryOption = registryOption;
  }

  @Override
  public void process(Round round) {
    if (round.last) {
      return;
    }
    Filer filer = round.env.getFiler();
    ModelBuilder builder = new ModelBuilder(round.env.getTypeUtils());
    ConstantsWriter constantsWriter = new ConstantsWriter(filer);
    DispatcherWriter dispatcherWriter = new DispatcherWriter(filer);
    for (EntityFindings found : round.entities) {
      TypeElement entity = found.entity();
      round.guarded(
          entity,
          entity.getQualifiedName().toString(),
          () -> {
            EntityModel model = builder.entity(found);
            if (model.events().isEmpty() || registryClosed(round, entity)) {
              return;
            }
            state.entities.put(entity.getQualifiedName().toString(), model);
            constantsWriter.write(model);
          });
    }
    for (HandlerFindings found : round.handlers) {
      TypeElement handler = found.handler();
      round.guarded(
          handler,
          handler.getQualifiedName().toString(),
          () -> {
            if (registryClosed(round, handler)) {
              return;
            }
            HandlerModel model = builder.handler(found);
            state.handlers.put(handler.getQualifiedName().toString(), model);
            dispatcherWriter.write(model);
          });
    }
    writeRegistryIfSettled(round);
  }

  /** Reports {@code type} if it appeared after the registry was written. */
  private boolean registryClosed(Round round, TypeElement type) {
    if (state.writtenRegistry == null) {
      return false;
    }
    round.report.report(
        type, Messages.REGISTRY_CLOSED, type.getQualifiedName(), state.writtenRegistry);
    return true;
  }

  /**
   * The registry lists the whole compilation, so it waits for a round that discovers nothing new:
   * by then every entity and handler, including those other processors generate, is known.
   */
  private void writeRegistryIfSettled(Round round) {
    boolean settled =
        round.entityTypes.isEmpty()
            && round.handlerTypes.isEmpty()
            && state.deferredEntities.isEmpty()
            && state.deferredHandlers.isEmpty();
    if (state.writtenRegistry != null
        || !settled
        || (state.entities.isEmpty() && state.handlers.isEmpty())
        || state.errorReported
        || !round.report.isClean()) {
      return;
    }
    if (registryOption != null && !SourceVersion.isName(registryOption.strip())) {
      round.report.reportOnCompilation(Messages.REGISTRY_OPTION, registryOption);
      return;
    }
    RegistryModel registry =
        ModelBuilder.registry(
            registryOption,
            state.entities.values(),
            state.handlers.values(),
            state.upcasters.values());
    round.guarded(
        registry.entities().isEmpty() ? null : registry.entities().get(0).element(),
        "the registry",
        () -> {
          new EventIndexWriter(round.env.getFiler()).write(registry.entities());
          new RegistryWriter(round.env.getFiler()).write(registry);
          new HttpRoutesWriter(round.env.getFiler()).write(registry);
          new AsyncApiWriter(round.env.getFiler()).write(registry, state.schemas);
        });
    state.writtenRegistry = registry.registry();
  }
}
