package dev.domainevents.processor.model;

import com.palantir.javapoet.ClassName;
import java.util.List;

/**
 * The one registry of a compilation.
 *
 * @param registry the registry class to generate
 * @param entities every entity of the compilation, sorted by qualified name
 * @param handlers every handler class, subclasses before their superclasses, then by name
 * @param upcasters every upcaster, by event and version
 */
public record RegistryModel(
    ClassName registry,
    List<EntityModel> entities,
    List<HandlerModel> handlers,
    List<UpcasterModel> upcasters) {
  /** Copies the lists. */
  public RegistryModel {
    entities = List.copyOf(entities);
    handlers = List.copyOf(handlers);
    upcasters = List.copyOf(upcasters);
  }
}
