package dev.domainevents.processor.schema;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which schema changes an event may make without a new version: the modes of Avro and Confluent
 * Schema Registry. A change is checked as a reader reading a writer's data: BACKWARD means the new
 * schema reads data written with the old one (consumers upgrade first), FORWARD the reverse
 * (producers upgrade first), FULL both. A transitive mode checks against every schema the version
 * had in the lock file, the others only against the latest.
 */
public enum Compatibility {
  /** The new schema reads the latest locked one's data. The default. */
  BACKWARD(true, false, false),
  /** The new schema reads the data of every locked schema of the version. */
  BACKWARD_TRANSITIVE(true, false, true),
  /** The latest locked schema reads the new one's data. */
  FORWARD(false, true, false),
  /** Every locked schema of the version reads the new one's data. */
  FORWARD_TRANSITIVE(false, true, true),
  /** Both BACKWARD and FORWARD. */
  FULL(true, true, false),
  /** Both BACKWARD_TRANSITIVE and FORWARD_TRANSITIVE. */
  FULL_TRANSITIVE(true, true, true),
  /** Any change is allowed without a new version: the lock file only records. */
  NONE(false, false, false);

  private static final List<String> NUMBERS =
      List.of("byte", "short", "int", "long", "integer", "float", "double", "decimal");

  private final boolean backward;
  private final boolean forward;
  private final boolean transitive;

  Compatibility(boolean backward, boolean forward, boolean transitive) {
    this.backward = backward;
    this.forward = forward;
    this.transitive = transitive;
  }

  /** Returns the mode named {@code name}, in any case, or {@code null} if there is none. */
  public static Compatibility parse(String name) {
    for (Compatibility mode : values()) {
      if (mode.name().equalsIgnoreCase(name.strip())) {
        return mode;
      }
    }
    return null;
  }

  /** The names of the modes, for messages. */
  public static String names() {
    return Arrays.toString(values());
  }

  /** Whether a change is checked against every locked schema of the version. */
  public boolean transitive() {
    return transitive;
  }

  /**
   * Returns why {@code changed} may not replace {@code locked} under this mode, one reason per
   * line; empty if it may.
   */
  public List<String> problems(Schema locked, Schema changed) {
    List<String> problems = new ArrayList<>();
    if (backward) {
      for (String problem : readProblems(changed, locked)) {
        problems.add("the new schema cannot read data written with the old one: " + problem);
      }
    }
    if (forward) {
      for (String problem : readProblems(locked, changed)) {
        problems.add("the old schema cannot read data written with the new one: " + problem);
      }
    }
    return problems;
  }

  /**
   * Why a reader with schema {@code reader} cannot read data written with {@code writer}. A
   * property the reader does not know is ignored (the codec ignores unknown properties); one the
   * writer does not write must be optional for the reader.
   */
  static List<String> readProblems(Schema reader, Schema writer) {
    List<String> problems = new ArrayList<>();
    Map<String, Schema.Field> written = writer.fields();
    for (Map.Entry<String, Schema.Field> entry : reader.fields().entrySet()) {
      String path = entry.getKey();
      Schema.Field wanted = entry.getValue();
      Schema.Field found = written.get(path);
      if (found == null) {
        if (!wanted.optional() && !parentMissingOrOptional(path, reader, written)) {
          problems.add(path + " is required but the data does not have it");
        }
        continue;
      }
      if (!wanted.optional() && found.optional()) {
        problems.add(path + " is required but the data may leave it out");
      }
      if (!readable(wanted.type(), found.type())) {
        problems.add(path + " is " + wanted.type() + " but the data has " + found.type());
      }
    }
    return problems;
  }

  /** Whether an ancestor of {@code path} is already missing from the data, or optional. */
  private static boolean parentMissingOrOptional(
      String path, Schema reader, Map<String, Schema.Field> written) {
    for (String parent = Schema.parent(path); parent != null; parent = Schema.parent(parent)) {
      Schema.Field field = reader.fields().get(parent);
      if (!written.containsKey(parent) || (field != null && field.optional())) {
        return true;
      }
    }
    return false;
  }

  /** Whether a value written as {@code written} reads as {@code wanted}. */
  static boolean readable(String wanted, String written) {
    if (wanted.equals(written)) {
      return true;
    }
    if (wanted.startsWith("enum(") && written.startsWith("enum(")) {
      return symbols(wanted).containsAll(symbols(written));
    }
    String wantedContainer = container(wanted);
    String writtenContainer = container(written);
    if (wantedContainer != null && writtenContainer != null) {
      boolean bothSequences = !wantedContainer.equals("map") && !writtenContainer.equals("map");
      if (!wantedContainer.equals(writtenContainer) && !bothSequences) {
        return false;
      }
      List<String> wantedArguments = arguments(wanted);
      List<String> writtenArguments = arguments(written);
      if (wantedArguments.size() != writtenArguments.size()) {
        return false;
      }
      for (int i = 0; i < wantedArguments.size(); i++) {
        if (!readable(wantedArguments.get(i), writtenArguments.get(i))) {
          return false;
        }
      }
      return true;
    }
    return promotes(written, wanted);
  }

  /**
   * Avro's promotions, as JSON numbers: a narrower integer reads as a wider one or as a floating
   * point number; float as double; any number as decimal. A char reads as a string.
   */
  private static boolean promotes(String from, String to) {
    int fromRank = NUMBERS.indexOf(from);
    int toRank = NUMBERS.indexOf(to);
    if (fromRank >= 0 && toRank >= 0) {
      boolean fromIntegral = fromRank <= NUMBERS.indexOf("integer");
      boolean toIntegral = toRank <= NUMBERS.indexOf("integer");
      if (fromIntegral && !toIntegral) {
        return true;
      }
      return fromIntegral == toIntegral && fromRank < toRank;
    }
    return from.equals("char") && to.equals("string");
  }

  private static Set<String> symbols(String enumType) {
    String inside = enumType.substring("enum(".length(), enumType.length() - 1);
    return inside.isEmpty() ? Set.of() : new HashSet<>(Arrays.asList(inside.split(",")));
  }

  private static String container(String type) {
    int open = type.indexOf('<');
    if (open < 0 || !type.endsWith(">")) {
      return null;
    }
    String name = type.substring(0, open);
    return List.of("list", "set", "map").contains(name) ? name : null;
  }

  /** The type arguments of {@code list<..>}, {@code set<..>} or {@code map<..,..>}. */
  private static List<String> arguments(String type) {
    String inside = type.substring(type.indexOf('<') + 1, type.length() - 1);
    List<String> arguments = new ArrayList<>();
    int depth = 0;
    int start = 0;
    for (int i = 0; i < inside.length(); i++) {
      char c = inside.charAt(i);
      if (c == '<' || c == '(') {
        depth++;
      } else if (c == '>' || c == ')') {
        depth--;
      } else if (c == ',' && depth == 0) {
        arguments.add(inside.substring(start, i));
        start = i + 1;
      }
    }
    arguments.add(inside.substring(start));
    return arguments;
  }
}
