package dev.domainevents.processor.writing;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes maps, lists, strings, numbers and booleans as block YAML, in iteration order, so the same
 * document always gives the same text. Strings are written as JSON strings, which YAML reads as
 * they are.
 */
final class Yaml {
  private Yaml() {}

  static String write(Map<String, Object> document) {
    StringBuilder out = new StringBuilder();
    map(document, 0, out);
    return out.toString();
  }

  private static void map(Map<?, ?> map, int indent, StringBuilder out) {
    for (Map.Entry<?, ?> entry : map.entrySet()) {
      out.append(" ".repeat(indent)).append(key(entry.getKey().toString())).append(':');
      value(entry.getValue(), indent, out);
    }
  }

  private static void value(Object value, int indent, StringBuilder out) {
    if (value instanceof Map<?, ?> map) {
      if (map.isEmpty()) {
        out.append(" {}\n");
      } else {
        out.append('\n');
        map(map, indent + 2, out);
      }
    } else if (value instanceof List<?> list) {
      if (list.isEmpty()) {
        out.append(" []\n");
        return;
      }
      out.append('\n');
      for (Object item : list) {
        out.append(" ".repeat(indent + 2)).append('-');
        if (item instanceof Map<?, ?> map && !map.isEmpty()) {
          // The first entry on the dash's line, the rest aligned under it.
          StringBuilder nested = new StringBuilder();
          map(map, indent + 4, nested);
          out.append(' ').append(nested.substring(indent + 4));
        } else {
          value(item, indent + 2, out);
        }
      }
    } else {
      out.append(' ').append(scalar(value)).append('\n');
    }
  }

  private static String key(String key) {
    return isPlainKey(key) ? key : quote(key);
  }

  /**
   * Whether {@code key} matches {@code [A-Za-z0-9_][A-Za-z0-9_.\-]*}, checked without a regex: the
   * catalog has several keys per event.
   */
  private static boolean isPlainKey(String key) {
    if (key.isEmpty() || !isWordChar(key.charAt(0))) {
      return false;
    }
    for (int i = 1; i < key.length(); i++) {
      char c = key.charAt(i);
      if (!isWordChar(c) && c != '.' && c != '-') {
        return false;
      }
    }
    return true;
  }

  private static boolean isWordChar(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  }

  private static String scalar(Object value) {
    if (value instanceof Number || value instanceof Boolean) {
      return value.toString();
    }
    return quote(String.valueOf(value));
  }

  private static String quote(String text) {
    StringBuilder quoted = new StringBuilder("\"");
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> quoted.append("\\\"");
        case '\\' -> quoted.append("\\\\");
        case '\n' -> quoted.append("\\n");
        case '\t' -> quoted.append("\\t");
        default -> {
          if (c < 0x20) {
            quoted.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            quoted.append(c);
          }
        }
      }
    }
    return quoted.append('"').toString();
  }
}
