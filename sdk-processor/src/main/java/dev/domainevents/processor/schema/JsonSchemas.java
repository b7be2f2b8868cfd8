package dev.domainevents.processor.schema;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON Schema (draft 2020-12 subset, as AsyncAPI 3.0 embeds it) of a canonical {@link Schema}:
 * the same source as the lock file, so the catalog and the compatibility check never disagree.
 * Objects allow properties they do not list, as the codec ignores unknown ones.
 */
public final class JsonSchemas {
  private JsonSchemas() {}

  /** The JSON Schema of {@code schema}, as nested maps and lists in a stable order. */
  public static Map<String, Object> of(Schema schema) {
    Schema.Field root = schema.fields().get(Schema.ROOT);
    if (root != null) {
      return type(root.type(), Schema.ROOT, schema);
    }
    return object("", schema);
  }

  private static Map<String, Object> object(String prefix, Schema schema) {
    Map<String, Object> properties = new LinkedHashMap<>();
    List<String> required = new ArrayList<>();
    schema
        .fields()
        .forEach(
            (path, field) -> {
              if (!path.startsWith(prefix) || path.equals(Schema.ROOT)) {
                return;
              }
              String name = path.substring(prefix.length());
              if (name.contains(".")) {
                return;
              }
              Map<String, Object> type = type(field.type(), path, schema);
              if (field.optional()) {
                properties.put(name, Map.of("anyOf", List.of(type, Map.of("type", "null"))));
              } else {
                properties.put(name, type);
                required.add(name);
              }
            });
    Map<String, Object> object = new LinkedHashMap<>();
    object.put("type", "object");
    object.put("properties", properties);
    if (!required.isEmpty()) {
      object.put("required", required);
    }
    return object;
  }

  private static Map<String, Object> type(String type, String path, Schema schema) {
    Map<String, Object> json = new LinkedHashMap<>();
    if (type.startsWith("enum(")) {
      json.put("type", "string");
      String inside = type.substring(5, type.length() - 1);
      json.put("enum", inside.isEmpty() ? List.of() : Arrays.asList(inside.split(",")));
      return json;
    }
    if (type.startsWith("list<") || type.startsWith("set<")) {
      json.put("type", "array");
      json.put("items", type(inner(type), path + "[]", schema));
      if (type.startsWith("set<")) {
        json.put("uniqueItems", true);
      }
      return json;
    }
    if (type.startsWith("map<")) {
      String value = inner(type).substring(inner(type).indexOf(',') + 1);
      json.put("type", "object");
      json.put("additionalProperties", type(value, path + "{}", schema));
      return json;
    }
    switch (type) {
      case "object" -> {
        return object(path + ".", schema);
      }
      case "string", "char" -> json.put("type", "string");
      case "boolean" -> json.put("type", "boolean");
      case "byte", "short", "int" -> {
        json.put("type", "integer");
        json.put("format", "int32");
      }
      case "long" -> {
        json.put("type", "integer");
        json.put("format", "int64");
      }
      case "integer" -> json.put("type", "integer");
      case "float", "double", "decimal" -> json.put("type", "number");
      case "uuid" -> {
        json.put("type", "string");
        json.put("format", "uuid");
      }
      case "bytes" -> {
        json.put("type", "string");
        json.put("contentEncoding", "base64");
      }
      case "Instant", "OffsetDateTime", "ZonedDateTime" -> {
        json.put("type", "string");
        json.put("format", "date-time");
      }
      case "LocalDate" -> {
        json.put("type", "string");
        json.put("format", "date");
      }
      case "Duration" -> {
        json.put("type", "string");
        json.put("format", "duration");
      }
      default -> {
        if (Character.isUpperCase(type.charAt(0))) {
          json.put("type", "string"); // the other java.time types, written as ISO-8601 text
        }
        // "any" and ref(...): no constraint
      }
    }
    return json;
  }

  /** What is between the outer angle brackets of {@code list<...>}. */
  private static String inner(String type) {
    return type.substring(type.indexOf('<') + 1, type.length() - 1);
  }
}
