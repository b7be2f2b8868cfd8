package dev.domainevents.outbox;

import dev.domainevents.Entity;
import dev.domainevents.EventBatch;
import dev.domainevents.EventEnvelope;
import dev.domainevents.spi.EventCatalog;
import dev.domainevents.spi.InstalledInfra;
import dev.domainevents.spi.JdbcTransactions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Transactional (half) messages, for work that a database transaction cannot cover, such as a call
 * to another system: {@link #begin} holds the events, {@link #commit} releases them to the relay,
 * {@link #rollback} drops them.
 *
 * <pre>{@code
 * HeldTransaction held = messages.begin(order);        // stored, not shipped
 * boolean charged = paymentService.charge(order);      // not in any local transaction
 * if (charged) messages.commit(held.id()); else messages.rollback(held.id());
 * }</pre>
 *
 * <p>If neither happens, e.g. because the process died, the {@link TransactionChecker} is asked
 * once the hold is older than {@link Builder#checkAfter}. Its decision is final; see {@link
 * TransactionChecker} for what happens when it cannot decide.
 *
 * <p>Held events live in their own tables and enter the outbox only when released, so the relay
 * orders them by release: after the events of their aggregate committed before the release.
 */
public final class TransactionalMessages implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TransactionalMessages.class);

  static final int HELD = 0;
  static final int FAILED = 2;

  private static final String TRANSACTIONS = "domain_event_transaction";
  private static final String HELD_EVENTS = "domain_event_held";

  private final DataSource dataSource;
  private final JdbcOutbox outbox;
  private final TransactionChecker checker;
  private final long checkAfterMillis;
  private final RetryStrategy checkRetry;
  private final long checkIntervalMillis;
  private final EventCatalog catalog;
  private final Clock clock;
  private ScheduledExecutorService scheduler;

  private TransactionalMessages(Builder builder) {
    this.dataSource = builder.dataSource;
    this.outbox = builder.outbox;
    this.checker = builder.checker;
    this.checkAfterMillis = builder.checkAfter.toMillis();
    this.checkRetry = builder.checkRetry;
    this.checkIntervalMillis = builder.checkInterval.toMillis();
    this.catalog = builder.catalog;
    this.clock = builder.clock;
  }

  /** Starts building transactional messages on the outbox reached through {@code dataSource}. */
  public static Builder builder(DataSource dataSource, JdbcOutbox outbox) {
    return new Builder(dataSource, outbox);
  }

  /**
   * Holds the entities' pending events in a new transaction of its own, and clears them from the
   * entities once stored.
   *
   * @throws IllegalArgumentException if the entities have no pending events, or a payload cannot be
   *     encoded; nothing is stored
   */
  public HeldTransaction begin(Entity... entities) throws SQLException {
    EventBatch batch = EventBatch.of(InstalledInfra.catalogIfInstalled(), entities);
    HeldTransaction held = beginEnvelopes(batch.events());
    batch.clear();
    return held;
  }

  /** Holds envelopes that were drained earlier; see {@link #begin(Entity...)}. */
  public HeldTransaction beginEnvelopes(List<EventEnvelope> events) throws SQLException {
    Objects.requireNonNull(events, "events");
    if (events.isEmpty()) {
      throw new IllegalArgumentException("a transactional message needs at least one event");
    }
    List<EventEnvelope> held = List.copyOf(events);
    String[] payloads = new String[held.size()];
    for (int i = 0; i < payloads.length; i++) {
      payloads[i] = OutboxRows.encodePayload(outbox.codec(), held.get(i));
    }
    long now = clock.millis();
    return JdbcTransactions.run(
        dataSource,
        connection -> {
          long id;
          try (PreparedStatement insert =
              connection.prepareStatement(
                  "INSERT INTO "
                      + TRANSACTIONS
                      + " (status, created_at_ms, check_at_ms, check_attempts) VALUES ("
                      + HELD
                      + ", ?, ?, 0)",
                  new String[] {"id"})) {
            insert.setLong(1, now);
            insert.setLong(2, now + checkAfterMillis);
            insert.executeUpdate();
            try (ResultSet keys = insert.getGeneratedKeys()) {
              if (!keys.next()) {
                throw new SQLException("the driver returned no id for the new transaction");
              }
              id = keys.getLong(1);
            }
          }
          try (PreparedStatement insert =
              connection.prepareStatement(
                  "INSERT INTO "
                      + HELD_EVENTS
                      + " (transaction_id, seq, "
                      + OutboxRows.ENVELOPE_COLUMNS
                      + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (int i = 0; i < payloads.length; i++) {
              insert.setLong(1, id);
              insert.setInt(2, i);
              OutboxRows.bindEnvelope(insert, 3, held.get(i), payloads[i]);
              insert.addBatch();
            }
            insert.executeBatch();
          }
          return new HeldTransaction(id, Instant.ofEpochMilli(now), 0, null, held);
        });
  }

  /**
   * Releases the held events of transaction {@code id} to the relay.
   *
   * @throws IllegalStateException if the transaction is no longer held: it was committed, rolled
   *     back, or decided by the checker
   */
  public void commit(long id) throws SQLException {
    decide(id, TransactionDecision.COMMIT);
    outbox.committed();
  }

  /**
   * Drops the held events of transaction {@code id}.
   *
   * @throws IllegalStateException if the transaction is no longer held
   */
  public void rollback(long id) throws SQLException {
    decide(id, TransactionDecision.ROLLBACK);
  }

  private void decide(long id, TransactionDecision decision) throws SQLException {
    JdbcTransactions.run(
        dataSource,
        connection -> {
          try (PreparedStatement lock =
              connection.prepareStatement(
                  "SELECT status FROM " + TRANSACTIONS + " WHERE id = ? FOR UPDATE")) {
            lock.setLong(1, id);
            try (ResultSet row = lock.executeQuery()) {
              if (!row.next()) {
                throw new IllegalStateException(
                    "transaction "
                        + id
                        + " is not held: it was already committed, rolled back, or decided by"
                        + " the checker, and that decision is final");
              }
            }
          }
          finish(connection, id, decision);
          return null;
        });
  }

  /** Carries out a final decision on a locked transaction. */
  private void finish(Connection connection, long id, TransactionDecision decision)
      throws SQLException {
    if (decision == TransactionDecision.COMMIT) {
      long now = clock.millis();
      try (PreparedStatement release =
          connection.prepareStatement(
              "INSERT INTO "
                  + OutboxRows.OUTBOX
                  + " ("
                  + OutboxRows.ENVELOPE_COLUMNS
                  + ", status, attempts, next_attempt_ms, created_at_ms) SELECT "
                  + OutboxRows.ENVELOPE_COLUMNS
                  + ", "
                  + OutboxRows.PENDING
                  + ", 0, 0, ? FROM "
                  + HELD_EVENTS
                  + " WHERE transaction_id = ? ORDER BY seq")) {
        release.setLong(1, now);
        release.setLong(2, id);
        release.executeUpdate();
      }
    }
    try (PreparedStatement deleteEvents =
            connection.prepareStatement(
                "DELETE FROM " + HELD_EVENTS + " WHERE transaction_id = ?");
        PreparedStatement deleteTransaction =
            connection.prepareStatement("DELETE FROM " + TRANSACTIONS + " WHERE id = ?")) {
      deleteEvents.setLong(1, id);
      deleteEvents.executeUpdate();
      deleteTransaction.setLong(1, id);
      deleteTransaction.executeUpdate();
    }
  }

  /**
   * Asks the checker about every transaction held past its check time, one at a time, and carries
   * out its decisions. The started schedule calls this; tests may call it directly.
   *
   * @return the number of transactions committed or rolled back by the checker
   */
  public int checkOverdue() throws SQLException {
    List<Long> due = new ArrayList<>();
    try (Connection connection = dataSource.getConnection();
        PreparedStatement select =
            connection.prepareStatement(
                "SELECT id FROM "
                    + TRANSACTIONS
                    + " WHERE status = "
                    + HELD
                    + " AND check_at_ms <= ? ORDER BY id LIMIT 1000")) {
      select.setLong(1, clock.millis());
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          due.add(rows.getLong(1));
        }
      }
    }
    int decided = 0;
    boolean released = false;
    for (long id : due) {
      TransactionDecision decision = check(id);
      if (decision == TransactionDecision.COMMIT) {
        released = true;
      }
      if (decision != null && decision != TransactionDecision.UNKNOWN) {
        decided++;
      }
    }
    if (released) {
      outbox.committed();
    }
    return decided;
  }

  /** Checks one transaction under its row lock; returns the decision carried out, or null. */
  private TransactionDecision check(long id) throws SQLException {
    return JdbcTransactions.run(
        dataSource,
        connection -> {
          long now = clock.millis();
          HeldTransaction held;
          try (PreparedStatement lock =
              connection.prepareStatement(
                  "SELECT created_at_ms, check_attempts, last_error FROM "
                      + TRANSACTIONS
                      + " WHERE id = ? AND status = "
                      + HELD
                      + " AND check_at_ms <= ? FOR UPDATE SKIP LOCKED")) {
            lock.setLong(1, id);
            lock.setLong(2, now);
            try (ResultSet row = lock.executeQuery()) {
              if (!row.next()) {
                return null; // decided meanwhile, or another instance is checking it
              }
              int attempts = row.getInt(2);
              List<EventEnvelope> events;
              try {
                events = loadEvents(connection, id);
              } catch (OutboxRows.UndecodableEventException e) {
                markFailed(connection, id, attempts, "cannot show the checker: " + e.getMessage());
                return null;
              }
              held =
                  new HeldTransaction(
                      id, Instant.ofEpochMilli(row.getLong(1)), attempts, row.getString(3), events);
            }
          }
          TransactionDecision decision;
          String reason;
          try {
            decision = checker.check(held);
            reason =
                decision == null ? "the checker returned null" : "the checker answered UNKNOWN";
          } catch (Exception e) {
            decision = null;
            reason = "the checker threw " + e;
            log.warn("checking held transaction {} failed", id, e);
          }
          if (decision == TransactionDecision.COMMIT || decision == TransactionDecision.ROLLBACK) {
            finish(connection, id, decision);
            log.info("held transaction {} decided by the checker: {}", id, decision);
            return decision;
          }
          int attempts = held.checkAttempts() + 1;
          if (attempts >= checkRetry.maxAttempts()) {
            markFailed(
                connection,
                id,
                attempts,
                "undecided after " + attempts + " checks; the last: " + reason);
          } else {
            try (PreparedStatement update =
                connection.prepareStatement(
                    "UPDATE "
                        + TRANSACTIONS
                        + " SET check_attempts = ?, check_at_ms = ?, last_error = ? WHERE id"
                        + " = ?")) {
              update.setInt(1, attempts);
              update.setLong(2, now + checkRetry.delayAfter(attempts).toMillis());
              update.setString(3, OutboxRows.clip(reason));
              update.setLong(4, id);
              update.executeUpdate();
            }
          }
          return TransactionDecision.UNKNOWN;
        });
  }

  private void markFailed(Connection connection, long id, int attempts, String reason)
      throws SQLException {
    log.error("held transaction {} is kept as failed for an operator to decide: {}", id, reason);
    try (PreparedStatement update =
        connection.prepareStatement(
            "UPDATE "
                + TRANSACTIONS
                + " SET status = "
                + FAILED
                + ", check_attempts = ?, last_error = ? WHERE id = ?")) {
      update.setInt(1, attempts);
      update.setString(2, OutboxRows.clip(reason));
      update.setLong(3, id);
      update.executeUpdate();
    }
  }

  private List<EventEnvelope> loadEvents(Connection connection, long id)
      throws SQLException, OutboxRows.UndecodableEventException {
    EventCatalog catalog = this.catalog != null ? this.catalog : InstalledInfra.catalog();
    List<EventEnvelope> events = new ArrayList<>();
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT "
                + OutboxRows.ENVELOPE_COLUMNS
                + " FROM "
                + HELD_EVENTS
                + " WHERE transaction_id = ? ORDER BY seq")) {
      select.setLong(1, id);
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          events.add(OutboxRows.readStored(rows, 1).decode(catalog, outbox.codec()));
        }
      }
    }
    return events;
  }

  /**
   * Lists up to {@code limit} transactions the checker could not decide, oldest first, with the
   * reason. Resolve each with {@link #commit} or {@link #rollback}.
   */
  public List<HeldTransaction> failed(int limit) throws SQLException {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be >= 1, was " + limit);
    }
    List<HeldTransaction> failed = new ArrayList<>();
    try (Connection connection = dataSource.getConnection();
        PreparedStatement select =
            connection.prepareStatement(
                "SELECT id, created_at_ms, check_attempts, last_error FROM "
                    + TRANSACTIONS
                    + " WHERE status = "
                    + FAILED
                    + " ORDER BY id LIMIT ?")) {
      select.setInt(1, limit);
      try (ResultSet row = select.executeQuery()) {
        while (row.next()) {
          long id = row.getLong(1);
          List<EventEnvelope> events;
          try {
            events = loadEvents(connection, id);
          } catch (OutboxRows.UndecodableEventException e) {
            events = List.of();
          }
          failed.add(
              new HeldTransaction(
                  id,
                  Instant.ofEpochMilli(row.getLong(2)),
                  row.getInt(3),
                  row.getString(4),
                  events));
        }
      }
    }
    return failed;
  }

  /** Runs {@link #checkOverdue} every check interval on a daemon thread. */
  @SuppressWarnings(
      "FutureReturnValueIgnored") // the task is stopped by shutting the scheduler down in close()
  public synchronized TransactionalMessages start() {
    if (scheduler != null) {
      throw new IllegalStateException("the transaction checker is already started");
    }
    scheduler =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, "outbox-transaction-checker");
              thread.setDaemon(true);
              return thread;
            });
    scheduler.scheduleWithFixedDelay(
        () -> {
          try {
            checkOverdue();
          } catch (Exception | Error e) {
            // Caught so that the schedule survives: an escaping throwable would end it silently.
            log.warn("checking held transactions failed; trying again later", e);
          }
        },
        checkIntervalMillis,
        checkIntervalMillis,
        TimeUnit.MILLISECONDS);
    return this;
  }

  /** Stops the check schedule. */
  @Override
  public synchronized void close() {
    if (scheduler != null) {
      scheduler.shutdownNow();
      scheduler = null;
    }
  }

  /** Configures {@link TransactionalMessages}. */
  public static final class Builder {
    private final DataSource dataSource;
    private final JdbcOutbox outbox;
    private TransactionChecker checker;
    private Duration checkAfter = Duration.ofMinutes(1);
    private RetryStrategy checkRetry = RetryStrategy.interval(10, Duration.ofMinutes(1));
    private Duration checkInterval = Duration.ofSeconds(10);
    private EventCatalog catalog;
    private Clock clock;

    private Builder(DataSource dataSource, JdbcOutbox outbox) {
      this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
      this.outbox = Objects.requireNonNull(outbox, "outbox");
      this.clock = outbox.clock();
    }

    /** Decides transactions held past {@link #checkAfter}. Required. */
    public Builder checker(TransactionChecker checker) {
      this.checker = Objects.requireNonNull(checker, "checker");
      return this;
    }

    /** How long a transaction may stay held before the checker is asked; default one minute. */
    public Builder checkAfter(Duration checkAfter) {
      Objects.requireNonNull(checkAfter, "checkAfter");
      if (checkAfter.isNegative()) {
        throw new IllegalArgumentException("checkAfter must not be negative, was " + checkAfter);
      }
      this.checkAfter = checkAfter;
      return this;
    }

    /**
     * How often the checker is asked again when it cannot decide; default ten checks a minute
     * apart. When they are used up, the transaction is kept as failed.
     */
    public Builder checkRetry(RetryStrategy checkRetry) {
      this.checkRetry = Objects.requireNonNull(checkRetry, "checkRetry");
      return this;
    }

    /** How often the started schedule looks for overdue transactions; default ten seconds. */
    public Builder checkInterval(Duration checkInterval) {
      Objects.requireNonNull(checkInterval, "checkInterval");
      if (checkInterval.isNegative() || checkInterval.isZero()) {
        throw new IllegalArgumentException("checkInterval must be positive, was " + checkInterval);
      }
      this.checkInterval = checkInterval;
      return this;
    }

    /** Decodes held events for the checker with {@code catalog} instead of the installed one. */
    public Builder catalog(EventCatalog catalog) {
      this.catalog = Objects.requireNonNull(catalog, "catalog");
      return this;
    }

    Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Builds the transactional messages; {@link TransactionalMessages#start()} schedules checks.
     */
    public TransactionalMessages build() {
      if (checker == null) {
        throw new IllegalStateException(
            "set a TransactionChecker: it decides transactions whose owner never committed or"
                + " rolled them back");
      }
      return new TransactionalMessages(this);
    }
  }
}
