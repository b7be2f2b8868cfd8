package dev.domainevents.kafka;

/**
 * A record that no retry can fix: it goes straight to the dead-letter topic with {@link #reason()}
 * in the {@link EnvelopeHeaders#REASON} header, and the consumer moves on.
 */
final class PoisonRecordException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  static final String INVALID_JSON = "invalid-json";
  static final String PAYLOAD_MISMATCH = "payload-mismatch";
  static final String EMPTY_VALUE = "empty-value";

  /** The value is longer than the payload codec accepts. */
  static final String TOO_LARGE = "too-large";

  static final String UNKNOWN_EVENT = "unknown-event";
  static final String MISSING_HEADER = "missing-header";
  static final String MALFORMED_HEADER = "malformed-header";

  /** The record's schema version is newer than this service's: reading it would misread it. */
  static final String NEWER_VERSION = "newer-version";

  /** The record's schema version is older, and no upcaster reaches the current one. */
  static final String NO_UPCASTER = "no-upcaster";

  /** Decoding failed in a way no other reason covers; retrying would fail the same way. */
  static final String UNDECODABLE = "undecodable";

  private final String reason;

  PoisonRecordException(String reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }

  PoisonRecordException(String reason, String message, Throwable cause) {
    super(message, cause, false, false);
    this.reason = reason;
  }

  /** A short, stable tag for the kind of poison, e.g. {@code invalid-json}. */
  String reason() {
    return reason;
  }
}
