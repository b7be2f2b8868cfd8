package dev.domainevents.processor.writing;

import dev.domainevents.processor.model.EntityModel;
import dev.domainevents.processor.model.EventModel;
import dev.domainevents.processor.model.GeneratedNames;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.annotation.processing.Filer;
import javax.lang.model.element.Element;

/**
 * Writes an entity's index resource, {@code META-INF/domainevents/<Entity>.events}, which lets a
 * later compilation check handlers of this entity's events: one line per event, {@code
 * name<TAB>payload class<TAB>topic<TAB>version}, sorted by name.
 *
 * <p>Internal to the processor; not an API.
 */
public final class EventIndexWriter {
  private final Filer filer;

  /** Creates a writer. */
  public EventIndexWriter(Filer filer) {
    this.filer = filer;
  }

  /**
   * Writes one index per entity simple name (event names start with it, so entities of one simple
   * name in different packages share the file, and their events stay sorted by name).
   */
  public void write(List<EntityModel> entities) {
    Map<String, List<EntityModel>> bySimpleName = new TreeMap<>();
    for (EntityModel entity : entities) {
      bySimpleName.computeIfAbsent(entity.simpleName(), k -> new ArrayList<>()).add(entity);
    }
    bySimpleName.forEach(this::write);
  }

  private void write(String simpleName, List<EntityModel> entities) {
    StringBuilder text = new StringBuilder();
    List<EventModel> events = new ArrayList<>();
    List<Element> origins = new ArrayList<>();
    for (EntityModel entity : entities) {
      text.append(GeneratedNames.indexHeader(entity.entity().canonicalName())).append('\n');
      events.addAll(entity.events());
      origins.add(entity.element());
    }
    text.append("# name\tpayload class\ttopic\tversion\n");
    events.sort(Comparator.comparing(EventModel::name));
    for (EventModel event : events) {
      text.append(event.name())
          .append('\t')
          .append(event.payload().canonicalName())
          .append('\t')
          .append(event.topic())
          .append('\t')
          .append(event.version())
          .append('\n');
    }
    SourceWriter.writeResource(
        filer, GeneratedNames.indexResource(simpleName), text.toString(), origins);
  }
}
