package dev.domainevents.kafka;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** Hides secrets in client configs before they are logged or shown. */
final class Redaction {
  static final String REDACTED = "[redacted]";

  private static final String[] SECRET_MARKERS = {
    "password",
    "secret",
    "jaas.config",
    "ssl.keystore.key",
    "token",
    "credential",
    "apikey",
    "api.key"
  };

  private Redaction() {}

  /** Returns whether the value of {@code key} may be a secret. */
  static boolean isSecret(String key) {
    String lower = key.toLowerCase(Locale.ROOT);
    for (String marker : SECRET_MARKERS) {
      if (lower.contains(marker)) {
        return true;
      }
    }
    return false;
  }

  /** A sorted copy of {@code config} with every secret value replaced by {@value #REDACTED}. */
  static Map<String, Object> redact(Map<String, ?> config) {
    Map<String, Object> redacted = new TreeMap<>();
    for (Map.Entry<String, ?> entry : config.entrySet()) {
      redacted.put(entry.getKey(), isSecret(entry.getKey()) ? REDACTED : entry.getValue());
    }
    return redacted;
  }
}
