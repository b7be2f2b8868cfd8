package dev.domainevents.outbox;

import dev.domainevents.spi.JdbcTransactions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The one admin of failed events: list them, requeue them with fresh attempts, or delete them. The
 * relay's failures are outbox rows ({@link #ofOutbox}); a bus service's failures are rows of its
 * retry table ({@link #ofBusService}), joined to the outbox for the event's fields.
 */
final class FailedEvents {
  static final String BUS_RETRIES = "domain_event_bus_retry";

  private final DataSource dataSource;
  private final Clock clock;

  /** The table whose rows carry status, attempts and next_attempt_ms. */
  private final String table;

  /** Restricts {@link #table} to one service, or {@code null}. */
  private final String service;

  /** Selects the failed rows as {@link FailedEvent#fromRow} reads them; ends with LIMIT ?. */
  private final String listSql;

  /** Matches one event of {@link #table} by event id, the parameter. */
  private final String eventMatch;

  private FailedEvents(
      DataSource dataSource,
      Clock clock,
      String table,
      String service,
      String listSql,
      String eventMatch) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.table = table;
    this.service = service;
    this.listSql = listSql;
    this.eventMatch = eventMatch;
  }

  /** The outbox rows that used up the relay's attempts or could not be decoded. */
  static FailedEvents ofOutbox(DataSource dataSource, Clock clock) {
    return new FailedEvents(
        dataSource,
        clock,
        OutboxRows.OUTBOX,
        null,
        "SELECT event_id, event_name, aggregate_type, aggregate_id, attempts, last_error,"
            + " next_attempt_ms FROM "
            + OutboxRows.OUTBOX
            + " WHERE status = "
            + OutboxRows.FAILED
            + " ORDER BY id LIMIT ?",
        "event_id = ?");
  }

  /** The events that bus service {@code service} failed to handle within its attempts. */
  static FailedEvents ofBusService(DataSource dataSource, Clock clock, String service) {
    return new FailedEvents(
        dataSource,
        clock,
        BUS_RETRIES,
        Objects.requireNonNull(service, "service"),
        "SELECT o.event_id, o.event_name, o.aggregate_type, o.aggregate_id, r.attempts,"
            + " r.last_error, r.next_attempt_ms FROM "
            + BUS_RETRIES
            + " r JOIN "
            + OutboxRows.OUTBOX
            + " o ON o.bus_seq = r.bus_seq WHERE r.service = ? AND r.status = "
            + OutboxRows.FAILED
            + " ORDER BY r.bus_seq LIMIT ?",
        "bus_seq = (SELECT bus_seq FROM " + OutboxRows.OUTBOX + " WHERE event_id = ?)");
  }

  /** Lists up to {@code limit} failed events, oldest first. */
  List<FailedEvent> list(int limit) throws SQLException {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be >= 1, was " + limit);
    }
    List<FailedEvent> failed = new ArrayList<>();
    try (Connection connection = dataSource.getConnection();
        PreparedStatement select = connection.prepareStatement(listSql)) {
      int next = bindService(select, 1);
      select.setInt(next, limit);
      try (ResultSet row = select.executeQuery()) {
        while (row.next()) {
          failed.add(FailedEvent.fromRow(row));
        }
      }
    }
    return failed;
  }

  /**
   * Makes the failed event {@code eventId} due now, with its attempts reset.
   *
   * @return whether a failed event with that id existed
   */
  boolean requeue(UUID eventId) throws SQLException {
    Objects.requireNonNull(eventId, "eventId");
    return update(requeueSql() + " AND " + eventMatch, true, eventId) == 1;
  }

  /** Makes every failed event due now, with its attempts reset; returns how many. */
  int requeueAll() throws SQLException {
    return update(requeueSql(), true, null);
  }

  /**
   * Deletes the failed event {@code eventId}: for the outbox, the row; for a bus service, the
   * service's failure, so the service gives up on the event and other services are unaffected.
   *
   * @return whether a failed event with that id existed
   */
  boolean delete(UUID eventId) throws SQLException {
    Objects.requireNonNull(eventId, "eventId");
    return update("DELETE FROM " + table + failedWhere() + " AND " + eventMatch, false, eventId)
        == 1;
  }

  private String requeueSql() {
    return "UPDATE "
        + table
        + " SET status = "
        + OutboxRows.PENDING
        + ", attempts = 0, next_attempt_ms = ?"
        + failedWhere();
  }

  private String failedWhere() {
    return " WHERE status = " + OutboxRows.FAILED + (service == null ? "" : " AND service = ?");
  }

  /** Runs {@code sql}: parameters now (if {@code dueNow}), the service, the event id (if any). */
  private int update(String sql, boolean dueNow, UUID eventId) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement update = connection.prepareStatement(sql)) {
      int next = 1;
      if (dueNow) {
        update.setLong(next++, clock.millis());
      }
      next = bindService(update, next);
      if (eventId != null) {
        update.setString(next, eventId.toString());
      }
      int changed = update.executeUpdate();
      JdbcTransactions.commitUnlessAutoCommit(connection);
      return changed;
    }
  }

  private int bindService(PreparedStatement statement, int index) throws SQLException {
    if (service == null) {
      return index;
    }
    statement.setString(index, service);
    return index + 1;
  }
}
