package dev.domainevents.opentelemetry;

import dev.domainevents.EventScope;
import io.opentelemetry.api.baggage.propagation.W3CBaggagePropagator;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads and writes the W3C trace context ({@code traceparent}, {@code tracestate}) and baggage in
 * envelope headers. Always W3C, whatever propagators the {@code OpenTelemetry} instance has: these
 * are the headers the SDK carries from a handled event to the events its handler raises.
 *
 * <p>Headers come from the wire, so a value longer than its W3C limit is read as absent rather than
 * parsed: {@code traceparent} beyond {@value #MAX_TRACEPARENT} characters, {@code tracestate}
 * beyond {@value #MAX_TRACESTATE}, {@code baggage} beyond {@value #MAX_BAGGAGE}.
 */
final class TraceHeaders {
  /** Version 00 is 55 characters; later versions may append fields, so some room is left. */
  static final int MAX_TRACEPARENT = 256;

  /** W3C Trace Context: at most 32 list members, and 512 characters is the suggested bound. */
  static final int MAX_TRACESTATE = 512;

  /** W3C Baggage: at most 8192 bytes in all. */
  static final int MAX_BAGGAGE = 8192;

  private static final TextMapPropagator W3C =
      TextMapPropagator.composite(
          W3CTraceContextPropagator.getInstance(), W3CBaggagePropagator.getInstance());

  private static final TextMapGetter<Map<String, String>> GETTER =
      new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
          return carrier.keySet();
        }

        @Override
        public String get(Map<String, String> carrier, String key) {
          if (carrier == null) {
            return null;
          }
          String value = carrier.get(key);
          return value == null || value.length() > limit(key) ? null : value;
        }
      };

  private static final TextMapSetter<Map<String, String>> SETTER =
      (carrier, key, value) -> {
        if (carrier != null) {
          carrier.put(key, value);
        }
      };

  private TraceHeaders() {}

  private static int limit(String key) {
    switch (key) {
      case EventScope.TRACEPARENT:
        return MAX_TRACEPARENT;
      case EventScope.TRACESTATE:
        return MAX_TRACESTATE;
      case EventScope.BAGGAGE:
        return MAX_BAGGAGE;
      default:
        return Integer.MAX_VALUE;
    }
  }

  /** Returns {@code context} with the span context and baggage that {@code headers} carry. */
  static Context extract(Context context, Map<String, String> headers) {
    return W3C.extract(context, headers, GETTER);
  }

  /** Returns the W3C headers of {@code context}: what a trace scope or the wire carries. */
  static Map<String, String> of(Context context) {
    Map<String, String> headers = new HashMap<>(4);
    W3C.inject(context, headers, SETTER);
    return headers;
  }

  /**
   * Returns {@code headers} with their trace context replaced by {@code context}'s: the old {@code
   * traceparent} and {@code tracestate} go, and {@code context}'s headers are put in.
   */
  static Map<String, String> replace(Map<String, String> headers, Context context) {
    Map<String, String> replaced = new HashMap<>(headers.size() + 3);
    replaced.putAll(headers);
    replaced.remove(EventScope.TRACEPARENT);
    replaced.remove(EventScope.TRACESTATE);
    W3C.inject(context, replaced, SETTER);
    return replaced;
  }
}
