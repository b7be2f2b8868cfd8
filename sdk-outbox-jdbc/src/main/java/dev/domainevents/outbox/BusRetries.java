package dev.domainevents.outbox;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.Set;

/**
 * One bus service's retries: the rows of {@code domain_event_bus_retry} that wait for another
 * attempt, wait behind an earlier event of their aggregate, or are kept as failed. While an event
 * waits for a retry, the later events of its aggregate wait behind it; a failed one no longer holds
 * the aggregate back.
 */
final class BusRetries {
  private static final String RETRIES = FailedEvents.BUS_RETRIES;
  private static final String INSERT =
      "INSERT INTO "
          + RETRIES
          + " (status, attempts, next_attempt_ms, last_error, service, bus_seq)"
          + " VALUES (?, ?, ?, ?, ?, ?)";
  private static final String UPDATE =
      "UPDATE "
          + RETRIES
          + " SET status = ?, attempts = ?, next_attempt_ms = ?, last_error = ?"
          + " WHERE service = ? AND bus_seq = ?";

  /** How delivering one event to the service's handlers ended. */
  enum Outcome {
    /** Every handler returned normally. */
    HANDLED,
    /** A handler threw: retried as the strategy says. */
    HANDLER_FAILED,
    /** The row cannot become an envelope: kept as failed at once, since retrying cannot help. */
    UNDECODABLE
  }

  /** One delivery: its outcome, and why it failed ({@code null} when handled). */
  record Delivery(Outcome outcome, String reason) {
    static final Delivery HANDLED = new Delivery(Outcome.HANDLED, null);
  }

  /** Delivers one stored event as attempt number {@code attempt}. */
  @FunctionalInterface
  interface Deliverer {
    Delivery deliver(OutboxRows.StoredEvent stored, int attempt);
  }

  private final String service;
  private final RetryStrategy strategy;
  private final String dueSql;
  private final String waitingSql;

  BusRetries(String service, RetryStrategy strategy, int batchSize) {
    this.service = service;
    this.strategy = strategy;
    this.dueSql =
        "SELECT r.bus_seq, r.attempts, r.next_attempt_ms, "
            + OutboxRows.prefixedEnvelopeColumns("o.")
            + " FROM "
            + RETRIES
            + " r JOIN "
            + OutboxRows.OUTBOX
            + " o ON o.bus_seq = r.bus_seq WHERE r.service = ? AND r.status = "
            + OutboxRows.PENDING
            + " ORDER BY r.bus_seq LIMIT "
            + batchSize;
    this.waitingSql =
        "SELECT DISTINCT o.aggregate_type, o.aggregate_id FROM "
            + RETRIES
            + " r JOIN "
            + OutboxRows.OUTBOX
            + " o ON o.bus_seq = r.bus_seq WHERE r.service = ? AND r.status = "
            + OutboxRows.PENDING;
  }

  /**
   * Delivers the due retries in sequence order, keeping each aggregate's order: an aggregate whose
   * earliest waiting event is not due, or fails again, is added to {@code blocked}.
   *
   * @return the number of events handled
   */
  int deliverDue(Connection connection, Deliverer deliverer, Set<AggregateKey> blocked, long now)
      throws SQLException {
    int handled = 0;
    try (PreparedStatement select = connection.prepareStatement(dueSql)) {
      select.setString(1, service);
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          long seq = rows.getLong(1);
          int attempts = rows.getInt(2);
          OutboxRows.StoredEvent stored = OutboxRows.readStored(rows, 4);
          AggregateKey aggregate = AggregateKey.of(stored);
          if (blocked.contains(aggregate)) {
            continue;
          }
          if (rows.getLong(3) > now) {
            blocked.add(aggregate);
            continue;
          }
          int attempt = attempts + 1;
          Delivery delivery = deliverer.deliver(stored, attempt);
          if (delivery.outcome() == Outcome.HANDLED) {
            handled++;
            delete(connection, seq);
          } else if (record(connection, seq, attempt, delivery, now, false)) {
            blocked.add(aggregate);
          }
        }
      }
    }
    return handled;
  }

  /** The aggregates with an event waiting for a retry. */
  Set<AggregateKey> waitingAggregates(Connection connection) throws SQLException {
    Set<AggregateKey> waiting = new HashSet<>();
    try (PreparedStatement select = connection.prepareStatement(waitingSql)) {
      select.setString(1, service);
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          waiting.add(new AggregateKey(rows.getString(1), rows.getString(2)));
        }
      }
    }
    return waiting;
  }

  /** Keeps event {@code seq} waiting, undelivered, behind an earlier event of its aggregate. */
  void waitBehind(Connection connection, long seq, long now) throws SQLException {
    String reason = "waits behind an earlier event of its aggregate";
    insert(connection, seq, OutboxRows.PENDING, 0, now, reason);
  }

  /**
   * Records the failed first delivery of event {@code seq}.
   *
   * @return whether the event waits for a retry, holding back the later events of its aggregate
   */
  boolean firstDeliveryFailed(Connection connection, long seq, Delivery delivery, long now)
      throws SQLException {
    return record(connection, seq, 1, delivery, now, true);
  }

  private boolean record(
      Connection connection, long seq, int attempt, Delivery delivery, long now, boolean isNew)
      throws SQLException {
    boolean exhausted =
        delivery.outcome() == Outcome.UNDECODABLE || attempt >= strategy.maxAttempts();
    int status = exhausted ? OutboxRows.FAILED : OutboxRows.PENDING;
    long next = exhausted ? now : now + strategy.delayAfter(attempt).toMillis();
    if (isNew) {
      insert(connection, seq, status, attempt, next, delivery.reason());
    } else {
      update(connection, seq, status, attempt, next, delivery.reason());
    }
    return !exhausted;
  }

  private void insert(
      Connection connection, long seq, int status, int attempts, long nextAttempt, String reason)
      throws SQLException {
    write(connection, INSERT, seq, status, attempts, nextAttempt, reason);
  }

  private void update(
      Connection connection, long seq, int status, int attempts, long nextAttempt, String reason)
      throws SQLException {
    write(connection, UPDATE, seq, status, attempts, nextAttempt, reason);
  }

  /** Runs {@link #INSERT} or {@link #UPDATE}, which take the same parameters in the same order. */
  private void write(
      Connection connection,
      String sql,
      long seq,
      int status,
      int attempts,
      long nextAttempt,
      String reason)
      throws SQLException {
    try (PreparedStatement write = connection.prepareStatement(sql)) {
      write.setInt(1, status);
      write.setInt(2, attempts);
      write.setLong(3, nextAttempt);
      write.setString(4, OutboxRows.clip(reason));
      write.setString(5, service);
      write.setLong(6, seq);
      write.executeUpdate();
    }
  }

  private void delete(Connection connection, long seq) throws SQLException {
    try (PreparedStatement delete =
        connection.prepareStatement(
            "DELETE FROM " + RETRIES + " WHERE service = ? AND bus_seq = ?")) {
      delete.setString(1, service);
      delete.setLong(2, seq);
      delete.executeUpdate();
    }
  }
}
