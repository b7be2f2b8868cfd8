package dev.domainevents.amqp;

/**
 * A delivery that no handler call can fix: undecodable, unknown, or missing what an envelope needs.
 * It goes straight to the dead-letter queue with {@link #reason()} as its reason.
 */
final class PoisonMessageException extends Exception {
  private static final long serialVersionUID = 1L;

  static final String INVALID_JSON = "invalid-json";
  static final String PAYLOAD_MISMATCH = "payload-mismatch";
  static final String EMPTY_BODY = "empty-body";
  static final String TOO_LARGE = "too-large";
  static final String UNKNOWN_EVENT = "unknown-event";
  static final String MISSING_HEADER = "missing-header";
  static final String MALFORMED_HEADER = "malformed-header";

  /** Written with a schema version newer than this service's: reading it would misread it. */
  static final String NEWER_VERSION = "newer-version";

  /** Written with an older schema version that no registered upcaster chain reaches. */
  static final String NO_UPCASTER = "no-upcaster";

  private final String reason;

  PoisonMessageException(String reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  String reason() {
    return reason;
  }
}
