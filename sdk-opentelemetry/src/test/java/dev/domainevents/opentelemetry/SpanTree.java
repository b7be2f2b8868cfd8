package dev.domainevents.opentelemetry;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** Renders finished spans as an indented tree, the way the README shows a trace. */
final class SpanTree {
  private SpanTree() {}

  /** One line per span, children indented under their parent, in start order. */
  static String render(List<SpanData> spans, boolean attributes) {
    StringBuilder out = new StringBuilder();
    List<SpanData> sorted =
        spans.stream().sorted(Comparator.comparingLong(SpanData::getStartEpochNanos)).toList();
    for (SpanData root : sorted) {
      boolean hasParent =
          sorted.stream().anyMatch(s -> s.getSpanId().equals(root.getParentSpanId()));
      if (!hasParent) {
        render(root, sorted, 0, attributes, out);
      }
    }
    return out.toString();
  }

  private static void render(
      SpanData span, List<SpanData> all, int depth, boolean attributes, StringBuilder out) {
    String indent = "  ".repeat(depth);
    out.append(indent)
        .append(span.getName())
        .append(" [")
        .append(span.getKind())
        .append(span.getStatus().getStatusCode().name().equals("ERROR") ? ", ERROR" : "")
        .append("]");
    if (!span.getLinks().isEmpty()) {
      out.append(" links=").append(span.getLinks().size());
    }
    out.append('\n');
    if (attributes) {
      Map<String, Object> sorted = new TreeMap<>();
      span.getAttributes().forEach((AttributeKey<?> k, Object v) -> sorted.put(k.getKey(), v));
      out.append(indent)
          .append("    ")
          .append(
              sorted.entrySet().stream()
                  .map(e -> e.getKey() + "=" + e.getValue())
                  .collect(Collectors.joining(", ")))
          .append('\n');
      span.getEvents()
          .forEach(e -> out.append(indent).append("    event ").append(e.getName()).append('\n'));
    }
    for (SpanData child : all) {
      if (child.getParentSpanId().equals(span.getSpanId())) {
        render(child, all, depth + 1, attributes, out);
      }
    }
  }
}
