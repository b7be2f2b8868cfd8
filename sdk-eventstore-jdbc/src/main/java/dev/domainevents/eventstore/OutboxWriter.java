package dev.domainevents.eventstore;

import dev.domainevents.EventEnvelope;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * Writes appended events to an outbox on the append's connection, in its transaction, so they also
 * ship to the installed infra. With sdk-outbox-jdbc: {@code
 * store.withOutbox(outbox::writeEnvelopes)}.
 */
@FunctionalInterface
public interface OutboxWriter {
  /** Writes {@code events}, in order, on {@code connection}; the return value is ignored. */
  int write(Connection connection, List<EventEnvelope> events) throws SQLException;
}
