package dev.domainevents.dedupe.jdbc;

import dev.domainevents.EventContext;
import dev.domainevents.EventEnvelope;
import java.sql.Connection;

/**
 * The context a {@link JdbcDedupeStore} hands to the handler: the infra's context plus the
 * transaction's connection, valid only while the handler runs.
 */
final class TransactionalContext implements EventContext {
  private final EventContext delivered;
  private final Connection connection;
  private volatile boolean ended;

  TransactionalContext(EventContext delivered, Connection connection) {
    this.delivered = delivered;
    this.connection = connection;
  }

  @Override
  public EventEnvelope envelope() {
    return delivered.envelope();
  }

  @Override
  public int attempt() {
    return delivered.attempt();
  }

  Connection connection() {
    if (ended) {
      throw new IllegalStateException(
          "the dedupe transaction of "
              + delivered.name()
              + " "
              + delivered.eventId()
              + " is over: use JdbcDedupeStore.connection(context) only while the handler runs");
    }
    return connection;
  }

  void end() {
    ended = true;
  }

  @Override
  public String toString() {
    return "TransactionalContext[" + delivered + "]";
  }
}
