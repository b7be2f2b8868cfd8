package dev.domainevents.processor.validation;

import dev.domainevents.processor.model.GeneratedNames;
import dev.domainevents.spi.EventNames;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import javax.annotation.processing.Filer;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.Elements;
import javax.tools.FileObject;
import javax.tools.StandardLocation;

/**
 * The events handlers may name: those raised in this compilation (from every round so far), and
 * those of entities compiled earlier, read from their index resources on the class path.
 *
 * <p>The processor cannot list the class path, so every compilation writes, per entity simple name,
 * {@code META-INF/domainevents/<Entity>.events}: a header line {@code # Events raised by <qualified
 * name>; ...} per entity, then one line per event: {@code name<TAB>payload
 * class<TAB>topic<TAB>version}. A handler naming {@code Goods:Shopping} that this compilation does
 * not raise makes the processor read {@code Goods.events} from the class path; an entity of this
 * compilation raising a name that such an index lists from another entity is a duplicate.
 *
 * <p>Internal to the processor; not an API.
 */
public final class KnownEvents {
  /**
   * One known event.
   *
   * @param name the event name
   * @param payload the payload class, or {@code null} if it is not on the class path
   * @param origin the raising entity's qualified name, or the entities an index names and where it
   *     came from
   */
  record Known(String name, TypeElement payload, String origin) {}

  /**
   * One entity simple name's index on the class path.
   *
   * @param events its events by name
   * @param origins the qualified names of the entities it lists
   * @param location where it was read
   * @param ownOutput whether it is this compilation's own earlier output, e.g. {@code
   *     target/classes} of the previous build, which this compilation replaces
   */
  private record Index(
      Map<String, Known> events, List<String> origins, URI location, boolean ownOutput) {
    static final Index NONE = new Index(Map.of(), List.of(), null, false);
  }

  private final Elements elements;
  private final Filer filer;
  private final Map<String, Known> compiled = new TreeMap<>();
  private final Set<String> compiledEntities = new HashSet<>();
  private final Set<String> failedEntities = new HashSet<>();
  private final Map<String, Index> indexed = new HashMap<>();

  /** Creates an empty set of known events. */
  public KnownEvents(Elements elements, Filer filer) {
    this.elements = elements;
    this.filer = filer;
  }

  /** Adds the events of an entity of this compilation. */
  public void add(EntityFindings findings) {
    String origin = findings.entity().getQualifiedName().toString();
    compiledEntities.add(findings.entity().getSimpleName().toString());
    for (RaisedEvent event : findings.events()) {
      compiled.put(event.name(), new Known(event.name(), event.payload(), origin));
    }
  }

  /**
   * Records that an entity of this compilation has errors: its events are unknown, and handlers of
   * them are neither reported again, since the entity's own errors say what to fix, nor generated.
   */
  public void addFailed(TypeElement entity) {
    failedEntities.add(entity.getSimpleName().toString());
  }

  /** Returns whether {@code name} belongs to an entity of this compilation that has errors. */
  boolean ofFailedEntity(String name) {
    return EventNames.isLegal(name) && failedEntities.contains(EventNames.aggregateType(name));
  }

  /** Returns the event of this compilation named {@code name}, or {@code null}. */
  Known compiled(String name) {
    return compiled.get(name);
  }

  /**
   * Returns the event named {@code name} that an index on the class path lists from another entity
   * than {@code origin}, or {@code null}: another module raises the same name.
   */
  Known raisedElsewhere(String name, String origin) {
    if (!EventNames.isLegal(name)) {
      return null;
    }
    Index index = index(EventNames.aggregateType(name));
    return index.ownOutput() || index.origins().contains(origin) ? null : index.events().get(name);
  }

  /** Returns the event named {@code name}, from this compilation or the class path, or null. */
  Known find(String name) {
    Known known = compiled.get(name);
    if (known != null || !EventNames.isLegal(name)) {
      return known;
    }
    return classPathEvents(EventNames.aggregateType(name)).get(name);
  }

  /** The names a misspelled {@code name} may have meant. */
  Collection<String> candidates(String name) {
    List<String> names = new ArrayList<>(compiled.keySet());
    if (EventNames.isLegal(name)) {
      names.addAll(classPathEvents(EventNames.aggregateType(name)).keySet());
    }
    return names;
  }

  /**
   * The class path events of an entity, unless the entity is compiled right now: then its index on
   * the class path is the previous build's output, and may list events the source no longer raises.
   */
  private Map<String, Known> classPathEvents(String entity) {
    return compiledEntities.contains(entity) ? Map.of() : index(entity).events();
  }

  private Index index(String entity) {
    return indexed.computeIfAbsent(entity, this::readIndex);
  }

  private Index readIndex(String entity) {
    String resource = GeneratedNames.indexResource(entity);
    FileObject file;
    try {
      file = filer.getResource(StandardLocation.CLASS_PATH, "", resource);
    } catch (IOException | IllegalArgumentException | IllegalStateException e) {
      return Index.NONE;
    }
    URI location = file.toUri();
    Map<String, Known> events = new TreeMap<>();
    List<String> origins = new ArrayList<>();
    try (BufferedReader lines =
        new BufferedReader(new InputStreamReader(file.openInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = lines.readLine()) != null) {
        String origin = GeneratedNames.indexHeaderEntity(line);
        if (origin != null) {
          origins.add(origin);
        }
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String[] fields = line.split("\t", -1);
        if (fields.length >= 2) {
          TypeElement payload = elements.getTypeElement(fields[1]);
          events.put(fields[0], new Known(fields[0], payload, origin(origins, location)));
        }
      }
    } catch (IOException e) {
      // No index (or an unreadable one) means the entity is not known from the class path.
      return Index.NONE;
    }
    return new Index(events, List.copyOf(origins), location, location.equals(ownOutput(resource)));
  }

  /** Where this compilation writes {@code resource}, or {@code null} if the compiler won't say. */
  private URI ownOutput(String resource) {
    try {
      return filer.getResource(StandardLocation.CLASS_OUTPUT, "", resource).toUri();
    } catch (IOException | IllegalArgumentException | IllegalStateException e) {
      return null;
    }
  }

  private static String origin(List<String> origins, URI location) {
    return (origins.isEmpty() ? "an entity" : String.join(" or ", origins))
        + " (listed in "
        + location
        + ")";
  }
}
