package dev.domainevents.outbox;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Headers as one line per entry, {@code key=value}, with {@code \}, newline and {@code =} escaped,
 * so that sdk-outbox-jdbc needs no JSON library for them.
 */
final class HeaderText {
  private HeaderText() {}

  static String encode(Map<String, String> headers) {
    if (headers.isEmpty()) {
      return "";
    }
    StringBuilder out = new StringBuilder(headers.size() * 32);
    for (Map.Entry<String, String> header : headers.entrySet()) {
      if (out.length() > 0) {
        out.append('\n');
      }
      escape(out, header.getKey());
      out.append('=');
      escape(out, header.getValue());
    }
    return out.toString();
  }

  static Map<String, String> decode(String text) {
    if (text == null || text.isEmpty()) {
      return Map.of();
    }
    Map<String, String> headers = new LinkedHashMap<>();
    int start = 0;
    while (start <= text.length()) {
      int end = text.indexOf('\n', start);
      if (end < 0) {
        end = text.length();
      }
      int equals = text.indexOf('=', start);
      if (equals < 0 || equals > end) {
        throw new IllegalArgumentException("malformed header line: " + text.substring(start, end));
      }
      headers.put(unescape(text, start, equals), unescape(text, equals + 1, end));
      start = end + 1;
    }
    return headers;
  }

  private static void escape(StringBuilder out, String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '=' -> out.append("\\e");
        default -> out.append(c);
      }
    }
  }

  private static String unescape(String s, int from, int to) {
    if (s.indexOf('\\', from) < 0 || s.indexOf('\\', from) >= to) {
      return s.substring(from, to);
    }
    StringBuilder out = new StringBuilder(to - from);
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c != '\\') {
        out.append(c);
        continue;
      }
      if (++i >= to) {
        throw new IllegalArgumentException("malformed header escape at the end of a line");
      }
      switch (s.charAt(i)) {
        case '\\' -> out.append('\\');
        case 'n' -> out.append('\n');
        case 'e' -> out.append('=');
        default -> throw new IllegalArgumentException("malformed header escape \\" + s.charAt(i));
      }
    }
    return out.toString();
  }
}
