package dev.domainevents.outbox;

/** An aggregate, the unit whose events the relay and the bus keep in order. */
record AggregateKey(String type, String id) {
  static AggregateKey of(OutboxRows.StoredEvent stored) {
    return new AggregateKey(stored.aggregateType(), stored.aggregateId());
  }
}
