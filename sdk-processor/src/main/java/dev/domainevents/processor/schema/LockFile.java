package dev.domainevents.processor.schema;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The lock file: for every event, the schema of every version, oldest first, and every schema a
 * version had (a compatible change adds one). It lives in the user's source tree and is committed,
 * so its text is stable and diffs line by line:
 *
 * <pre>
 * event Goods:Shopping
 *   version 1
 *     amount: int
 *     goodsId: int
 * </pre>
 *
 * <p>A version listed twice had two schemas, the later one current. Lines starting with {@code #}
 * are comments.
 */
public final class LockFile {
  /** Where the lock file is, in a module's resources and so in its class output. */
  public static final String RESOURCE = "META-INF/domainevents/events.lock";

  /** The header written at the top of every lock file. */
  static final String HEADER =
      """
      # The payload schema of every event version, kept by sdk-processor. Commit this file.
      # A changed payload needs a new version and an upcaster: see the README, "Evolving an event".
      # Regenerate deliberately with -Adomainevents.lock.update=true.
      """;

  private final SortedMap<String, SortedMap<Integer, List<Schema>>> events;

  private LockFile(SortedMap<String, SortedMap<Integer, List<Schema>>> events) {
    this.events = events;
  }

  /** An empty lock file. */
  public static LockFile empty() {
    return new LockFile(new TreeMap<>());
  }

  /**
   * Parses {@code text}.
   *
   * @throws IllegalArgumentException naming the line, if {@code text} is not a lock file
   */
  public static LockFile parse(String text) {
    SortedMap<String, SortedMap<Integer, List<Schema>>> events = new TreeMap<>();
    SortedMap<Integer, List<Schema>> event = null;
    String eventName = null;
    int version = 0;
    Map<String, Schema.Field> fields = null;
    int lineNumber = 0;
    for (String line : text.split("\r?\n", -1)) {
      lineNumber++;
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      if (line.startsWith("event ") || line.startsWith("  version ")) {
        if (fields != null) {
          event.computeIfAbsent(version, v -> new ArrayList<>()).add(Schema.of(fields));
          fields = null;
        }
      }
      if (line.startsWith("event ")) {
        eventName = line.substring("event ".length()).strip();
        if (events.containsKey(eventName)) {
          throw new IllegalArgumentException(
              "line " + lineNumber + ": event " + eventName + " is listed twice");
        }
        event = new TreeMap<>();
        events.put(eventName, event);
      } else if (line.startsWith("  version ") && event != null) {
        try {
          version = Integer.parseInt(line.substring("  version ".length()).strip());
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("line " + lineNumber + ": not a version: " + line);
        }
        if (version < 1 || (!event.isEmpty() && version < event.lastKey())) {
          throw new IllegalArgumentException(
              "line "
                  + lineNumber
                  + ": version "
                  + version
                  + " of "
                  + eventName
                  + " must be 1 or more and not below the one before it");
        }
        fields = new TreeMap<>();
      } else if (line.startsWith("    ") && fields != null) {
        String entry = line.strip();
        int colon = entry.indexOf(": ");
        if (colon <= 0) {
          throw new IllegalArgumentException(
              "line " + lineNumber + ": expected `path: type`, found `" + entry + "`");
        }
        String path = entry.substring(0, colon);
        boolean optional = path.endsWith("?");
        if (optional) {
          path = path.substring(0, path.length() - 1);
        }
        fields.put(path, new Schema.Field(entry.substring(colon + 2), optional));
      } else {
        throw new IllegalArgumentException("line " + lineNumber + ": unexpected `" + line + "`");
      }
    }
    if (fields != null) {
      event.computeIfAbsent(version, v -> new ArrayList<>()).add(Schema.of(fields));
    }
    return new LockFile(events);
  }

  /** The versions of {@code event} and their schemas, oldest first; empty if not locked. */
  public SortedMap<Integer, List<Schema>> versions(String event) {
    SortedMap<Integer, List<Schema>> versions = events.get(event);
    return versions == null
        ? Collections.emptySortedMap()
        : Collections.unmodifiableSortedMap(versions);
  }

  /**
   * Records {@code schema} as the current schema of {@code event}'s {@code version}: adds the
   * version, or a new schema of it if it differs from its latest. Returns whether anything changed.
   */
  public boolean record(String event, int version, Schema schema) {
    List<Schema> schemas =
        events
            .computeIfAbsent(event, e -> new TreeMap<>())
            .computeIfAbsent(version, v -> new ArrayList<>());
    if (!schemas.isEmpty() && schemas.get(schemas.size() - 1).equals(schema)) {
      return false;
    }
    schemas.add(schema);
    return true;
  }

  /** The text of this lock file, stable: events by name, versions in order. */
  public String format() {
    StringBuilder text = new StringBuilder(HEADER);
    events.forEach(
        (event, versions) -> {
          text.append('\n').append("event ").append(event).append('\n');
          versions.forEach(
              (version, schemas) -> {
                for (Schema schema : schemas) {
                  text.append("  version ").append(version).append('\n');
                  for (String line : schema.lines()) {
                    text.append("    ").append(line).append('\n');
                  }
                }
              });
        });
    return text.toString();
  }
}
