package dev.domainevents.eventstore;

import java.util.Objects;

/**
 * One stream of the store: the events of one aggregate, e.g. {@code Goods} {@code "sku-1"}.
 *
 * @param aggregateType the entity's simple name, as in its events' names
 * @param aggregateId the entity's identity
 */
public record StreamId(String aggregateType, String aggregateId) {
  /** Longest aggregate type or id the store's columns hold. */
  static final int MAX_LENGTH = 255;

  /** Checks that both parts are present and fit the store's columns. */
  public StreamId {
    Objects.requireNonNull(aggregateType, "aggregateType");
    Objects.requireNonNull(aggregateId, "aggregateId");
    if (aggregateType.isEmpty() || aggregateType.length() > MAX_LENGTH) {
      throw new IllegalArgumentException(
          "aggregateType must have 1 to "
              + MAX_LENGTH
              + " characters, had "
              + aggregateType.length());
    }
    if (aggregateId.length() > MAX_LENGTH) {
      throw new IllegalArgumentException(
          "aggregateId must have at most "
              + MAX_LENGTH
              + " characters, had "
              + aggregateId.length());
    }
  }

  @Override
  public String toString() {
    return aggregateType + "/" + aggregateId;
  }
}
