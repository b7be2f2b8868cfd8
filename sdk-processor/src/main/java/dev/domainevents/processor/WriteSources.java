package dev.domainevents.processor;

import com.palantir.javapoet.ClassName;
import dev.domainevents.processor.model.EntityModel;
import dev.domainevents.processor.model.GeneratedNames;
import dev.domainevents.processor.model.HandlerModel;
import dev.domainevents.processor.model.RegistryModel;
import dev.domainevents.processor.model.UpcasterModel;
import dev.domainevents.processor.validation.EntityFindings;
import dev.domainevents.processor.validation.HandlerFindings;
import dev.domainevents.processor.validation.Messages;
import dev.domainevents.processor.writing.AsyncApiWriter;
import dev.domainevents.processor.writing.ConstantsWriter;
import dev.domainevents.processor.writing.DispatcherWriter;
import dev.domainevents.processor.writing.EventIndexWriter;
import dev.domainevents.processor.writing.HttpRoutesWriter;
import dev.domainevents.processor.writing.RegistryWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.annotation.processing.Filer;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.Element;
import javax.lang.model.element.TypeElement;

/**
 * Step 7: builds the models of the types found clean and writes their files. Constants and
 * dispatchers are written in the round their source appears; the registry, which lists them all, in
 * the first round that leaves nothing deferred, and only if no error was reported, since a registry
 * missing a broken entity would be wrong.
 *
 * <p>The registry goes out with the constants and dispatchers it lists, not a round after them:
 * every round makes javac enter every compilation unit again (and the last round and the final
 * compile once more each), so a round for the registry alone re-entered all of them for one class.
 * Other processors may still have written entities or handlers in that same round, unaware of the
 * registry; those, found in the next round, go into a late registry ({@link
 * GeneratedNames#lateRegistryClass}), written once nothing is deferred again. What appears later
 * still, when the registry was there to be seen, is reported as {@code [SdkRegistryClosed]}. The
 * resources that list the whole compilation (the service entry naming both registries, the event
 * indexes, the HTTP routes, the AsyncAPI document) are written once, in the last round, when that
 * list is final.
 */
final class WriteSources implements ProcessingStep {
  private final CompilationState state;
  private final String registryOption;

  /** The number of the current round, from 1. */
  private int roundNumber;

  WriteSources(CompilationState state, String registryOption) {
    this.state = state;
    this.registryOption = registryOption;
  }

  @Override
  public void process(Round round) {
    if (round.last) {
      writeResources(round);
      return;
    }
    roundNumber++;
    if (state.writtenRegistry != null && roundNumber == state.registryRound + 1) {
      round.entityTypes.forEach(t -> state.late.add(t.getQualifiedName().toString()));
      round.handlerTypes.forEach(t -> state.late.add(t.getQualifiedName().toString()));
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

  /**
   * Reports {@code type} if it appeared after the registry was written and too late for the late
   * registry: it was written when the registry could be seen.
   */
  private boolean registryClosed(Round round, TypeElement type) {
    if (state.writtenRegistry == null
        || (state.writtenLateRegistry == null
            && state.late.contains(type.getQualifiedName().toString()))) {
      return false;
    }
    round.report.report(
        type, Messages.REGISTRY_CLOSED, type.getQualifiedName(), state.writtenRegistry);
    return true;
  }

  /**
   * The registry lists the whole compilation, so it waits for a round that leaves nothing deferred:
   * by then every entity and handler of the sources, and those other processors generated for them,
   * is known. A late registry lists those that arrived in the round after, once they settle.
   */
  private void writeRegistryIfSettled(Round round) {
    boolean settled = state.deferredEntities.isEmpty() && state.deferredHandlers.isEmpty();
    if (!settled || state.errorReported || !round.report.isClean()) {
      return;
    }
    if (state.writtenRegistry == null) {
      writeRegistry(round);
    } else if (state.writtenLateRegistry == null) {
      writeLateRegistry(round);
    }
  }

  private void writeRegistry(Round round) {
    if (state.entities.isEmpty() && state.handlers.isEmpty()) {
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
        () -> new RegistryWriter(round.env.getFiler()).write(registry));
    state.writtenRegistry = registry.registry();
    state.registryRound = roundNumber;
    state.registered.addAll(state.entities.keySet());
    state.registered.addAll(state.handlers.keySet());
    state.registered.addAll(state.upcasters.keySet());
  }

  private void writeLateRegistry(Round round) {
    List<EntityModel> entities = unregistered(state.entities);
    List<HandlerModel> handlers = unregistered(state.handlers);
    List<UpcasterModel> upcasters = unregistered(state.upcasters);
    if (entities.isEmpty() && handlers.isEmpty() && upcasters.isEmpty()) {
      return;
    }
    RegistryModel sorted = ModelBuilder.registry(registryOption, entities, handlers, upcasters);
    RegistryModel late =
        new RegistryModel(
            GeneratedNames.lateRegistryClass(state.writtenRegistry),
            sorted.entities(),
            sorted.handlers(),
            sorted.upcasters());
    Element origin =
        !late.entities().isEmpty()
            ? late.entities().get(0).element()
            : !late.handlers().isEmpty() ? late.handlers().get(0).element() : null;
    round.guarded(
        origin, "the late registry", () -> new RegistryWriter(round.env.getFiler()).write(late));
    state.writtenLateRegistry = late.registry();
  }

  private <T> List<T> unregistered(Map<String, T> found) {
    List<T> models = new ArrayList<>();
    found.forEach(
        (key, model) -> {
          if (!state.registered.contains(key)) {
            models.add(model);
          }
        });
    return models;
  }

  /**
   * Writes the resources that list the whole compilation, once the registries are written: a
   * resource can be created once only, and in the last round the list is final.
   */
  private void writeResources(Round round) {
    if (state.writtenRegistry == null) {
      return;
    }
    RegistryModel sorted =
        ModelBuilder.registry(
            registryOption,
            state.entities.values(),
            state.handlers.values(),
            state.upcasters.values());
    RegistryModel everything =
        new RegistryModel(
            state.writtenRegistry, sorted.entities(), sorted.handlers(), sorted.upcasters());
    List<ClassName> registries = new ArrayList<>(List.of(state.writtenRegistry));
    if (state.writtenLateRegistry != null) {
      registries.add(state.writtenLateRegistry);
    }
    round.guarded(
        null,
        "the registry's resources",
        () -> {
          Filer filer = round.env.getFiler();
          new EventIndexWriter(filer).write(everything.entities());
          new RegistryWriter(filer).writeServiceEntry(registries, everything);
          new HttpRoutesWriter(filer).write(everything);
          new AsyncApiWriter(filer).write(everything, state.schemas);
        });
  }
}
