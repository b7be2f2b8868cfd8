package dev.domainevents.spi;

import java.util.Objects;

/**
 * Bytes that a {@link PayloadCodec} cannot turn into the requested payload type. Retrying does not
 * help: the same bytes fail the same way until the code or the data changes.
 */
public final class PayloadDecodingException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** What is wrong with the bytes, so that callers branch on a type rather than a message. */
  public enum Problem {
    /** No bytes at all, or a null value. */
    EMPTY,
    /** More bytes than the codec accepts. */
    TOO_LARGE,
    /** Not in the codec's format, e.g. not JSON. */
    MALFORMED,
    /** In the format, but not the shape of the payload type. */
    MISMATCH,
    /**
     * Written with a newer schema version than this service knows: it must not be read as the older
     * one.
     */
    NEWER_VERSION,
    /** Written with an older schema version, and no {@code @Upcaster} turns it into the current. */
    NO_UPCASTER
  }

  private final Problem problem;

  /** Creates the exception; {@code message} says what is wrong, without the payload's content. */
  public PayloadDecodingException(Problem problem, String message, Throwable cause) {
    super(message, cause);
    this.problem = Objects.requireNonNull(problem, "problem");
  }

  /** What is wrong with the bytes. */
  public Problem problem() {
    return problem;
  }
}
