package dev.domainevents.outbox;

import dev.domainevents.EventContext;
import dev.domainevents.EventEnvelope;
import dev.domainevents.spi.DispatchTable;
import dev.domainevents.spi.EventCatalog;
import dev.domainevents.spi.EventDispatcher;
import dev.domainevents.spi.InstalledInfra;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The database event bus: named services consume the outbox table directly, without a broker. Each
 * service has its own stored position and its own retries and failures, so services never affect
 * each other; instances of one service share the work, one batch at a time.
 *
 * <pre>{@code
 * DatabaseEventBus billing = DatabaseEventBus.builder(dataSource, outbox, "billing")
 *     .handlers(new InvoiceHandler())
 *     .startFrom(DatabaseEventBus.StartPosition.BEGINNING)
 *     .build()
 *     .start();
 * }</pre>
 *
 * <p><b>Positions follow commit order.</b> Row ids are handed out at insert time, so a transaction
 * that commits late can make a smaller id visible after a larger one was consumed; a position over
 * ids would skip it for good. So a sequencer numbers rows ({@code bus_seq}) only once they are
 * committed, under a lock, and services read by that number. There is no time horizon: an event is
 * consumed however old it is.
 *
 * <p><b>Retries</b> follow the {@link RetryStrategy}, counting the first delivery. While an event
 * waits for a retry, the later events of its aggregate wait behind it, so each service sees an
 * aggregate's events in order; an event that used up its attempts is kept as failed (see {@link
 * #failures}, {@link #requeue}) and no longer holds the aggregate back.
 *
 * <p>Delivery is at least once: handlers run inside the transaction that advances the position, and
 * a crash before its commit delivers the batch again.
 */
public final class DatabaseEventBus implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DatabaseEventBus.class);

  /** Where a service seen for the first time starts consuming. */
  public enum StartPosition {
    /** With the oldest event still in the table. */
    BEGINNING,
    /** With the events committed from now on. */
    NOW
  }

  private static final String SERVICES = "domain_event_bus_service";
  private static final String RETRIES = "domain_event_bus_retry";
  private static final String SEQUENCE = "domain_event_bus_sequence";
  private static final int SEQUENCE_BATCH = 1000;
  private static final String ENVELOPE_COLUMNS_OF_O = prefixed("o.", OutboxRows.ENVELOPE_COLUMNS);

  private final DataSource dataSource;
  private final JdbcOutbox outbox;
  private final String service;
  private final List<Object> handlers;
  private final EventCatalog explicitCatalog;
  private final StartPosition startFrom;
  private final int batchSize;
  private final long pollIntervalMillis;
  private final RetryStrategy retryStrategy;
  private final Clock clock;
  private final Runnable wakeListener = this::wake;

  private final WakeSignal signal = new WakeSignal();
  private volatile boolean running;
  private Thread thread;
  private volatile Dispatch dispatch;

  private DatabaseEventBus(Builder builder) {
    this.dataSource = builder.dataSource;
    this.outbox = builder.outbox;
    this.service = builder.service;
    this.handlers = List.copyOf(builder.handlers);
    this.explicitCatalog = builder.catalog;
    this.startFrom = builder.startFrom;
    this.batchSize = builder.batchSize;
    this.pollIntervalMillis = builder.pollInterval.toMillis();
    this.retryStrategy = builder.retryStrategy;
    this.clock = builder.clock;
  }

  /** Starts building the consumer of service {@code service}, e.g. {@code "billing"}. */
  public static Builder builder(DataSource dataSource, JdbcOutbox outbox, String service) {
    return new Builder(dataSource, outbox, service);
  }

  /** The service name. */
  public String service() {
    return service;
  }

  /**
   * Numbers newly committed rows, then delivers this service's due retries and its next batch of
   * events. Started buses call this in a loop; tests may call it directly.
   *
   * @return the number of events handled successfully
   */
  public int pollOnce() throws SQLException {
    return poll().handled;
  }

  private BusPoll poll() throws SQLException {
    Dispatch dispatch = dispatch();
    try (Connection connection = dataSource.getConnection()) {
      boolean autoCommit = connection.getAutoCommit();
      connection.setAutoCommit(false);
      try {
        sequence(connection);
        connection.commit();
        BusPoll poll = consume(connection, dispatch);
        connection.commit();
        return poll;
      } catch (SQLException | RuntimeException | Error e) {
        JdbcOutbox.rollbackQuietly(connection, e);
        throw e;
      } finally {
        JdbcOutbox.restoreAutoCommit(connection, autoCommit);
      }
    }
  }

  private Dispatch dispatch() {
    Dispatch current = dispatch;
    if (current == null) {
      EventCatalog catalog = explicitCatalog;
      if (catalog == null) {
        catalog = InstalledInfra.isInstalled() ? InstalledInfra.catalog() : EventCatalog.load();
      }
      List<EventDispatcher> dispatchers = new ArrayList<>(handlers.size());
      for (Object handler : handlers) {
        dispatchers.add(catalog.dispatcherFor(handler));
      }
      current = new Dispatch(catalog, DispatchTable.of(dispatchers));
      dispatch = current;
    }
    return current;
  }

  /** Gives committed, unnumbered rows the next bus sequence numbers, in id order. */
  private void sequence(Connection connection) throws SQLException {
    long last;
    try (PreparedStatement lock =
        connection.prepareStatement(
            "SELECT last_seq FROM " + SEQUENCE + " WHERE name = 'outbox' FOR UPDATE SKIP LOCKED")) {
      try (ResultSet row = lock.executeQuery()) {
        if (!row.next()) {
          return; // another instance is numbering right now
        }
        last = row.getLong(1);
      }
    }
    List<Long> ids = new ArrayList<>();
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT id FROM "
                + OutboxRows.OUTBOX
                + " WHERE bus_seq IS NULL ORDER BY id LIMIT "
                + SEQUENCE_BATCH)) {
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          ids.add(rows.getLong(1));
        }
      }
    }
    if (ids.isEmpty()) {
      return;
    }
    try (PreparedStatement number =
            connection.prepareStatement(
                "UPDATE " + OutboxRows.OUTBOX + " SET bus_seq = ? WHERE id = ?");
        PreparedStatement advance =
            connection.prepareStatement(
                "UPDATE " + SEQUENCE + " SET last_seq = ? WHERE name = 'outbox'")) {
      for (long id : ids) {
        number.setLong(1, ++last);
        number.setLong(2, id);
        number.addBatch();
      }
      number.executeBatch();
      advance.setLong(1, last);
      advance.executeUpdate();
    }
  }

  private BusPoll consume(Connection connection, Dispatch dispatch) throws SQLException {
    Long position = lockService(connection);
    if (position == null) {
      return BusPoll.NOTHING; // another instance of this service holds the batch
    }
    long now = clock.millis();
    Set<AggregateKey> parked = new HashSet<>();
    int handled = retryDue(connection, dispatch, parked, now);
    parked.addAll(waitingAggregates(connection));

    long newPosition = position;
    int read = 0;
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT bus_seq, "
                + OutboxRows.ENVELOPE_COLUMNS
                + " FROM "
                + OutboxRows.OUTBOX
                + " WHERE bus_seq > ? ORDER BY bus_seq LIMIT "
                + batchSize)) {
      select.setLong(1, position);
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          long seq = rows.getLong(1);
          newPosition = seq;
          read++;
          OutboxRows.StoredEvent stored = OutboxRows.readStored(rows, 2);
          if (!dispatch.table.handles(stored.name())) {
            continue;
          }
          AggregateKey aggregate = new AggregateKey(stored.aggregateType(), stored.aggregateId());
          if (parked.contains(aggregate)) {
            insertRetry(
                connection,
                seq,
                OutboxRows.PENDING,
                0,
                now,
                "waits behind an earlier event of its aggregate");
            continue;
          }
          String failure = deliver(dispatch, stored, 1);
          if (failure == null) {
            handled++;
          } else if (failure.startsWith(UNDECODABLE)) {
            insertRetry(connection, seq, OutboxRows.FAILED, 1, now, failure);
          } else {
            boolean exhausted = retryStrategy.maxAttempts() <= 1;
            insertRetry(
                connection,
                seq,
                exhausted ? OutboxRows.FAILED : OutboxRows.PENDING,
                1,
                exhausted ? now : now + retryStrategy.delayAfter(1).toMillis(),
                failure);
            if (!exhausted) {
              parked.add(aggregate);
            }
          }
        }
      }
    }
    if (newPosition != position) {
      try (PreparedStatement update =
          connection.prepareStatement(
              "UPDATE " + SERVICES + " SET consumed_seq = ?, updated_at_ms = ? WHERE name = ?")) {
        update.setLong(1, newPosition);
        update.setLong(2, now);
        update.setString(3, service);
        update.executeUpdate();
      }
    }
    return new BusPoll(read, handled);
  }

  private static final String UNDECODABLE = "undecodable: ";

  /** Calls the handlers; returns null on success, or why it failed. */
  private String deliver(Dispatch dispatch, OutboxRows.StoredEvent stored, int attempt) {
    EventEnvelope envelope;
    try {
      envelope = stored.decode(dispatch.catalog, outbox.codec());
    } catch (OutboxRows.UndecodableEventException e) {
      log.error("service {}: {}", service, e.getMessage());
      return UNDECODABLE + e.getMessage();
    }
    try {
      dispatch.table.dispatch(EventContext.of(envelope, attempt));
      return null;
    } catch (Exception | AssertionError e) {
      log.warn(
          "service {}: handling {} ({}) failed, attempt {} of {}",
          service,
          envelope.name(),
          envelope.eventId(),
          attempt,
          retryStrategy.maxAttempts(),
          e);
      return OutboxRows.reason(e);
    }
  }

  /** Delivers the due retries in sequence order, keeping each aggregate's order. */
  private int retryDue(
      Connection connection, Dispatch dispatch, Set<AggregateKey> blocked, long now)
      throws SQLException {
    int handled = 0;
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT r.bus_seq, r.attempts, r.next_attempt_ms, "
                + ENVELOPE_COLUMNS_OF_O
                + " FROM "
                + RETRIES
                + " r JOIN "
                + OutboxRows.OUTBOX
                + " o ON o.bus_seq = r.bus_seq WHERE r.service = ? AND r.status = "
                + OutboxRows.PENDING
                + " ORDER BY r.bus_seq LIMIT "
                + batchSize)) {
      select.setString(1, service);
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          long seq = rows.getLong(1);
          int attempts = rows.getInt(2);
          OutboxRows.StoredEvent stored = OutboxRows.readStored(rows, 4);
          AggregateKey aggregate = new AggregateKey(stored.aggregateType(), stored.aggregateId());
          if (blocked.contains(aggregate)) {
            continue;
          }
          if (rows.getLong(3) > now) {
            blocked.add(aggregate);
            continue;
          }
          int attempt = attempts + 1;
          String failure = deliver(dispatch, stored, attempt);
          if (failure == null) {
            handled++;
            deleteRetry(connection, seq);
          } else {
            boolean exhausted =
                failure.startsWith(UNDECODABLE) || attempt >= retryStrategy.maxAttempts();
            updateRetry(
                connection,
                seq,
                exhausted ? OutboxRows.FAILED : OutboxRows.PENDING,
                attempt,
                exhausted ? now : now + retryStrategy.delayAfter(attempt).toMillis(),
                failure);
            if (!exhausted) {
              blocked.add(aggregate);
            }
          }
        }
      }
    }
    return handled;
  }

  private Set<AggregateKey> waitingAggregates(Connection connection) throws SQLException {
    Set<AggregateKey> waiting = new HashSet<>();
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT DISTINCT o.aggregate_type, o.aggregate_id FROM "
                + RETRIES
                + " r JOIN "
                + OutboxRows.OUTBOX
                + " o ON o.bus_seq = r.bus_seq WHERE r.service = ? AND r.status = "
                + OutboxRows.PENDING)) {
      select.setString(1, service);
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          waiting.add(new AggregateKey(rows.getString(1), rows.getString(2)));
        }
      }
    }
    return waiting;
  }

  /** Locks this service's row and returns its position, registering the service if new. */
  private Long lockService(Connection connection) throws SQLException {
    for (int tries = 0; tries < 2; tries++) {
      try (PreparedStatement lock =
          connection.prepareStatement(
              "SELECT consumed_seq FROM " + SERVICES + " WHERE name = ? FOR UPDATE SKIP LOCKED")) {
        lock.setString(1, service);
        try (ResultSet row = lock.executeQuery()) {
          if (row.next()) {
            return row.getLong(1);
          }
        }
      }
      if (serviceExists(connection)) {
        return null; // exists, and locked by another instance
      }
      register(connection);
    }
    return null;
  }

  private boolean serviceExists(Connection connection) throws SQLException {
    try (PreparedStatement select =
        connection.prepareStatement("SELECT 1 FROM " + SERVICES + " WHERE name = ?")) {
      select.setString(1, service);
      try (ResultSet row = select.executeQuery()) {
        return row.next();
      }
    }
  }

  private void register(Connection connection) throws SQLException {
    long start = 0;
    if (startFrom == StartPosition.NOW) {
      try (PreparedStatement select =
              connection.prepareStatement(
                  "SELECT last_seq FROM " + SEQUENCE + " WHERE name = 'outbox'");
          ResultSet row = select.executeQuery()) {
        start = row.next() ? row.getLong(1) : 0;
      }
    }
    long now = clock.millis();
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO "
                + SERVICES
                + " (name, consumed_seq, created_at_ms, updated_at_ms) VALUES (?, ?, ?, ?)")) {
      insert.setString(1, service);
      insert.setLong(2, start);
      insert.setLong(3, now);
      insert.setLong(4, now);
      insert.executeUpdate();
      connection.commit();
      log.info("service {} registered with the database event bus at position {}", service, start);
    } catch (SQLException e) {
      // Another instance registered it first; its row is what counts.
      connection.rollback();
      if (!serviceExists(connection)) {
        throw e;
      }
    }
  }

  private void insertRetry(
      Connection connection, long seq, int status, int attempts, long nextAttempt, String reason)
      throws SQLException {
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO "
                + RETRIES
                + " (service, bus_seq, status, attempts, next_attempt_ms, last_error)"
                + " VALUES (?, ?, ?, ?, ?, ?)")) {
      insert.setString(1, service);
      insert.setLong(2, seq);
      insert.setInt(3, status);
      insert.setInt(4, attempts);
      insert.setLong(5, nextAttempt);
      insert.setString(6, OutboxRows.clip(reason));
      insert.executeUpdate();
    }
  }

  private void updateRetry(
      Connection connection, long seq, int status, int attempts, long nextAttempt, String reason)
      throws SQLException {
    try (PreparedStatement update =
        connection.prepareStatement(
            "UPDATE "
                + RETRIES
                + " SET status = ?, attempts = ?, next_attempt_ms = ?, last_error = ?"
                + " WHERE service = ? AND bus_seq = ?")) {
      update.setInt(1, status);
      update.setInt(2, attempts);
      update.setLong(3, nextAttempt);
      update.setString(4, OutboxRows.clip(reason));
      update.setString(5, service);
      update.setLong(6, seq);
      update.executeUpdate();
    }
  }

  private void deleteRetry(Connection connection, long seq) throws SQLException {
    try (PreparedStatement delete =
        connection.prepareStatement(
            "DELETE FROM " + RETRIES + " WHERE service = ? AND bus_seq = ?")) {
      delete.setString(1, service);
      delete.setLong(2, seq);
      delete.executeUpdate();
    }
  }

  /** Lists up to {@code limit} of this service's failed events, oldest first. */
  public List<FailedEvent> failures(int limit) throws SQLException {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be >= 1, was " + limit);
    }
    List<FailedEvent> failed = new ArrayList<>();
    try (Connection connection = dataSource.getConnection();
        PreparedStatement select =
            connection.prepareStatement(
                "SELECT o.event_id, o.event_name, o.aggregate_type, o.aggregate_id, r.attempts,"
                    + " r.last_error, r.next_attempt_ms FROM "
                    + RETRIES
                    + " r JOIN "
                    + OutboxRows.OUTBOX
                    + " o ON o.bus_seq = r.bus_seq WHERE r.service = ? AND r.status = "
                    + OutboxRows.FAILED
                    + " ORDER BY r.bus_seq LIMIT ?")) {
      select.setString(1, service);
      select.setInt(2, limit);
      try (ResultSet row = select.executeQuery()) {
        while (row.next()) {
          failed.add(FailedEvent.fromRow(row));
        }
      }
    }
    return failed;
  }

  /**
   * Makes this service's failed event {@code eventId} due again, with its attempts reset.
   *
   * @return whether this service had that event as failed
   */
  public boolean requeue(UUID eventId) throws SQLException {
    Objects.requireNonNull(eventId, "eventId");
    try (Connection connection = dataSource.getConnection();
        PreparedStatement update =
            connection.prepareStatement(
                "UPDATE "
                    + RETRIES
                    + " SET status = "
                    + OutboxRows.PENDING
                    + ", attempts = 0, next_attempt_ms = ? WHERE service = ? AND status = "
                    + OutboxRows.FAILED
                    + " AND bus_seq = (SELECT bus_seq FROM "
                    + OutboxRows.OUTBOX
                    + " WHERE event_id = ?)")) {
      update.setLong(1, clock.millis());
      update.setString(2, service);
      update.setString(3, eventId.toString());
      boolean requeued = update.executeUpdate() == 1;
      if (!connection.getAutoCommit()) {
        connection.commit();
      }
      return requeued;
    }
  }

  /** Starts consuming on a daemon thread; local commits through the outbox wake it. */
  public synchronized DatabaseEventBus start() {
    if (thread != null) {
      throw new IllegalStateException("the bus consumer of " + service + " is already started");
    }
    dispatch(); // fail now, not on the thread, if a handler has no dispatcher
    running = true;
    outbox.addCommitListener(wakeListener);
    thread = new Thread(this::run, "outbox-bus-" + service);
    thread.setDaemon(true);
    thread.start();
    return this;
  }

  /** Makes a started bus poll now. */
  public void wake() {
    signal.wake();
  }

  private void run() {
    long backoff = pollIntervalMillis;
    while (running) {
      long pause = pollIntervalMillis;
      try {
        if (poll().read >= batchSize) {
          continue; // a full batch: more are probably waiting
        }
        backoff = pollIntervalMillis;
      } catch (Exception | Error e) {
        if (!running) {
          break;
        }
        log.warn("service {}: bus poll failed; retrying in {} ms", service, backoff, e);
        pause = backoff;
        backoff = Math.min(backoff * 2, Math.max(pollIntervalMillis, 30_000));
      }
      signal.await(pause, () -> running);
    }
  }

  /** Stops consuming and waits up to ten seconds for the current batch. */
  @Override
  public void close() {
    Thread current;
    synchronized (this) {
      current = thread;
      running = false;
      outbox.removeCommitListener(wakeListener);
    }
    wake();
    if (current != null) {
      try {
        current.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static String prefixed(String prefix, String columns) {
    StringBuilder out = new StringBuilder();
    for (String column : columns.split(",")) {
      if (out.length() > 0) {
        out.append(", ");
      }
      out.append(prefix).append(column.strip());
    }
    return out.toString();
  }

  private record AggregateKey(String type, String id) {}

  private record Dispatch(EventCatalog catalog, DispatchTable table) {}

  /** What one poll did: events read past the position, and events handled successfully. */
  private record BusPoll(int read, int handled) {
    static final BusPoll NOTHING = new BusPoll(0, 0);
  }

  /** Configures a {@link DatabaseEventBus} consumer. */
  public static final class Builder {
    private final DataSource dataSource;
    private final JdbcOutbox outbox;
    private final String service;
    private final List<Object> handlers = new ArrayList<>();
    private EventCatalog catalog;
    private StartPosition startFrom = StartPosition.BEGINNING;
    private int batchSize = 200;
    private Duration pollInterval = Duration.ofMillis(500);
    private RetryStrategy retryStrategy = RetryStrategy.interval(10, Duration.ofSeconds(30));
    private Clock clock;

    private Builder(DataSource dataSource, JdbcOutbox outbox, String service) {
      this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
      this.outbox = Objects.requireNonNull(outbox, "outbox");
      this.service = Objects.requireNonNull(service, "service");
      if (service.isBlank() || service.length() > 100) {
        throw new IllegalArgumentException(
            "service must be 1 to 100 characters, was \"" + service + "\"");
      }
      this.clock = outbox.clock();
    }

    /** The service's handlers: objects with generated dispatchers, or dispatchers. */
    public Builder handlers(Object... handlers) {
      for (Object handler : handlers) {
        this.handlers.add(Objects.requireNonNull(handler, "handler"));
      }
      return this;
    }

    /**
     * Decodes with {@code catalog}; default the installed one, else {@link EventCatalog#load()}.
     */
    public Builder catalog(EventCatalog catalog) {
      this.catalog = Objects.requireNonNull(catalog, "catalog");
      return this;
    }

    /** Where the service starts the first time it runs; default {@link StartPosition#BEGINNING}. */
    public Builder startFrom(StartPosition startFrom) {
      this.startFrom = Objects.requireNonNull(startFrom, "startFrom");
      return this;
    }

    /** Events read per poll; default 200. */
    public Builder batchSize(int batchSize) {
      if (batchSize < 1 || batchSize > 10_000) {
        throw new IllegalArgumentException("batchSize must be 1 to 10000, was " + batchSize);
      }
      this.batchSize = batchSize;
      return this;
    }

    /** How long an idle consumer waits between polls; default 500 ms. */
    public Builder pollInterval(Duration pollInterval) {
      Objects.requireNonNull(pollInterval, "pollInterval");
      if (pollInterval.isNegative() || pollInterval.isZero()) {
        throw new IllegalArgumentException("pollInterval must be positive, was " + pollInterval);
      }
      this.pollInterval = pollInterval;
      return this;
    }

    /** How often a failing handler is tried; default ten attempts 30 seconds apart. */
    public Builder retryStrategy(RetryStrategy retryStrategy) {
      this.retryStrategy = Objects.requireNonNull(retryStrategy, "retryStrategy");
      return this;
    }

    Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Builds the consumer; {@link DatabaseEventBus#start()} starts it. */
    public DatabaseEventBus build() {
      if (handlers.isEmpty()) {
        throw new IllegalStateException("give the " + service + " service at least one handler");
      }
      return new DatabaseEventBus(this);
    }
  }
}
