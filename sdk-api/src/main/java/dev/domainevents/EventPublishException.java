package dev.domainevents;

/**
 * Publishing failed: the infra could not durably accept one or more events, e.g. because the broker
 * stayed unreachable past its delivery timeout. The events were not silently dropped: the caller is
 * told, and may retry or roll back.
 */
public class EventPublishException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message saying what failed. */
  public EventPublishException(String message) {
    super(message);
  }

  /** Creates the exception with a message and the underlying cause. */
  public EventPublishException(String message, Throwable cause) {
    super(message, cause);
  }
}
