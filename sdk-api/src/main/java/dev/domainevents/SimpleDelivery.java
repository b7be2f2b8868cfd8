package dev.domainevents;

import java.util.Objects;

/** The plain {@link Delivery}. */
record SimpleDelivery(
    EventEnvelope envelope,
    int attempt,
    String system,
    String destination,
    String consumerGroup,
    int partition,
    long offset)
    implements Delivery {
  SimpleDelivery {
    Objects.requireNonNull(envelope, "envelope");
    Objects.requireNonNull(system, "system");
    Objects.requireNonNull(destination, "destination");
    if (attempt < 1) {
      throw new IllegalArgumentException("attempt must be >= 1, was " + attempt);
    }
  }
}
