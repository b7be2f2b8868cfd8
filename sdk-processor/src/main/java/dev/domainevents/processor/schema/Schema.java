package dev.domainevents.processor.schema;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The canonical schema of a payload type: what its JSON looks like, flattened to one entry per
 * path, so that two schemas compare, and a lock file diffs, line by line.
 *
 * <p>A path is a property name, a nested property {@code address.street}, a property of the
 * elements of a collection {@code lines[].sku}, or of the values of a map {@code prices{}.amount}.
 * The payload itself, when it is not an object (an enum), has the path {@code $}. Types are the
 * JSON-relevant shape: {@code int}, {@code string}, {@code decimal}, {@code Instant} and the other
 * {@code java.time} names, {@code enum(A,B)}, {@code list<T>}, {@code set<T>}, {@code map<K,V>},
 * {@code object}, or {@code ref(Name)} for a type that contains itself.
 *
 * @param fields the fields by path, sorted
 */
public record Schema(SortedMap<String, Field> fields) {
  /** The path of a payload that is not an object. */
  public static final String ROOT = "$";

  /** Copies {@code fields}, sorted by path. */
  public Schema {
    Objects.requireNonNull(fields, "fields");
    fields = Collections.unmodifiableSortedMap(new TreeMap<>(fields));
  }

  /** Returns the schema of {@code fields}. */
  public static Schema of(Map<String, Field> fields) {
    return new Schema(new TreeMap<>(fields));
  }

  /**
   * One field.
   *
   * @param type the field's type, e.g. {@code list<string>}
   * @param optional whether a writer may leave it out: an {@code Optional} or a {@code @Nullable}
   */
  public record Field(String type, boolean optional) {
    /** Checks the type. */
    public Field {
      Objects.requireNonNull(type, "type");
    }

    /** The field as the lock file writes it after its path, e.g. {@code ?: string}. */
    String suffix() {
      return (optional ? "?: " : ": ") + type;
    }
  }

  /** The lines of this schema, as the lock file writes them, e.g. {@code amount: int}. */
  public List<String> lines() {
    List<String> lines = new ArrayList<>();
    fields.forEach((path, field) -> lines.add(path + field.suffix()));
    return lines;
  }

  /** The parent path of {@code path}, or {@code null} for a top-level one. */
  static String parent(String path) {
    int cut = path.lastIndexOf('.');
    if (cut < 0) {
      return null;
    }
    String parent = path.substring(0, cut);
    if (parent.endsWith("[]") || parent.endsWith("{}")) {
      parent = parent.substring(0, parent.length() - 2);
    }
    return parent;
  }
}
