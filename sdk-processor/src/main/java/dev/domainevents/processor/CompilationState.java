package dev.domainevents.processor;

import com.palantir.javapoet.ClassName;
import dev.domainevents.processor.model.EntityModel;
import dev.domainevents.processor.model.HandlerModel;
import dev.domainevents.processor.model.UpcasterModel;
import dev.domainevents.processor.schema.Schema;
import dev.domainevents.processor.validation.KnownEvents;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** What the steps carry from one round to the next, for one compilation. */
final class CompilationState {
  /** The events raised so far, and those read from the class path. */
  final KnownEvents known;

  /** Entities whose types were not resolvable yet, retried in the next round. */
  final Set<String> deferredEntities = new TreeSet<>();

  /** Handler classes waiting for a type or for a deferred entity. */
  final Set<String> deferredHandlers = new TreeSet<>();

  /** The entities whose constants were written, by qualified name, for the registry. */
  final Map<String, EntityModel> entities = new TreeMap<>();

  /** The handlers whose dispatchers were written, by qualified name, for the registry. */
  final Map<String, HandlerModel> handlers = new TreeMap<>();

  /** The {@code @Upcaster} methods found so far, by event and version. */
  final Map<String, UpcasterModel> upcasters = new TreeMap<>();

  /** The canonical payload schema of each event of this compilation, by name, for the catalog. */
  final Map<String, Schema> schemas = new TreeMap<>();

  /** The registry once written; see {@link WriteSources} for who may still join it. */
  ClassName writtenRegistry;

  /** The number of the round the registry was written in; see {@link #writtenRegistry}. */
  int registryRound;

  /** The entities, handlers and upcasters the registry lists, by their keys in the maps above. */
  final Set<String> registered = new TreeSet<>();

  /**
   * The entities and handlers first seen in the round after the registry's: other processors wrote
   * them in the registry's round, unaware of it, so a late registry lists them.
   */
  final Set<String> late = new TreeSet<>();

  /** The late registry once written; nothing can join it. */
  ClassName writtenLateRegistry;

  /**
   * Whether an error was reported: then the registry, which must list everything, is not written.
   */
  boolean errorReported;

  /** Whether {@code [SdkNoTreeApi]} was noted, which is done once. */
  boolean noTreeApiNoted;

  CompilationState(KnownEvents known) {
    this.known = known;
  }
}
