package dev.domainevents.processor.validation;

import dev.domainevents.processor.GeneratedNames;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 * <p>The processor cannot list the class path, so every compilation writes, per entity, {@code
 * META-INF/domainevents/<Entity>.events} with one line per event: {@code name<TAB>payload
 * class<TAB>topic<TAB>version}. A handler naming {@code Goods:Shopping} that this compilation does
 * not raise makes the processor read {@code Goods.events} from the class path.
 *
 * <p>Internal to the processor; not an API.
 */
public final class KnownEvents {
  /**
   * One known event.
   *
   * @param name the event name
   * @param payload the payload class, or {@code null} if it is not on the class path
   * @param payloadName the payload's canonical name
   * @param origin the raising entity's qualified name, or where the index came from
   */
  public record Known(String name, TypeElement payload, String payloadName, String origin) {}

  private final Elements elements;
  private final Filer filer;
  private final Map<String, Known> compiled = new TreeMap<>();
  private final java.util.Set<String> compiledEntities = new java.util.HashSet<>();
  private final java.util.Set<String> failedEntities = new java.util.HashSet<>();
  private final Map<String, Map<String, Known>> indexed = new HashMap<>();

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
      compiled.put(
          event.name(),
          new Known(
              event.name(),
              event.payload(),
              event.payload().getQualifiedName().toString(),
              origin));
    }
  }

  /**
   * Records that an entity of this compilation has errors: its events are unknown, and handlers of
   * them are not reported again, since the entity's own errors say what to fix.
   */
  public void addFailed(TypeElement entity) {
    failedEntities.add(entity.getSimpleName().toString());
  }

  /** Returns whether {@code name} belongs to an entity of this compilation that has errors. */
  boolean ofFailedEntity(String name) {
    int colon = name.indexOf(':');
    return colon > 0 && failedEntities.contains(name.substring(0, colon));
  }

  /** Returns the event of this compilation named {@code name}, or {@code null}. */
  public Known compiled(String name) {
    return compiled.get(name);
  }

  /** Returns the event named {@code name}, from this compilation or the class path, or null. */
  Known find(String name) {
    Known known = compiled.get(name);
    if (known != null) {
      return known;
    }
    int colon = name.indexOf(':');
    return colon <= 0 ? null : index(name.substring(0, colon)).get(name);
  }

  /**
   * The class path index of an entity, unless the entity is compiled right now: then its index on
   * the class path is the previous build's output, and may list events the source no longer raises.
   */
  private Map<String, Known> index(String entity) {
    if (compiledEntities.contains(entity)) {
      return Map.of();
    }
    return indexed.computeIfAbsent(entity, this::readIndex);
  }

  /** The names a misspelled {@code name} may have meant. */
  Collection<String> candidates(String name) {
    List<String> names = new ArrayList<>(compiled.keySet());
    int colon = name.indexOf(':');
    if (colon > 0) {
      names.addAll(index(name.substring(0, colon)).keySet());
    }
    return names;
  }

  private Map<String, Known> readIndex(String entity) {
    Map<String, Known> events = new TreeMap<>();
    String resource = GeneratedNames.indexResource(entity);
    FileObject file;
    try {
      file = filer.getResource(StandardLocation.CLASS_PATH, "", resource);
    } catch (IOException | IllegalArgumentException | IllegalStateException e) {
      return events;
    }
    try (Reader reader =
        new BufferedReader(new InputStreamReader(file.openInputStream(), StandardCharsets.UTF_8))) {
      BufferedReader lines = (BufferedReader) reader;
      String line;
      while ((line = lines.readLine()) != null) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String[] fields = line.split("\t", -1);
        if (fields.length >= 2) {
          TypeElement payload = elements.getTypeElement(fields[1]);
          events.put(fields[0], new Known(fields[0], payload, fields[1], file.toUri().toString()));
        }
      }
    } catch (IOException e) {
      // No index (or an unreadable one) means the entity is not known from the class path.
    }
    return events;
  }
}
