package dev.domainevents.outbox;

import dev.domainevents.Delivery;
import dev.domainevents.EventContext;
import dev.domainevents.EventEnvelope;
import dev.domainevents.EventInterceptor.Outcome;
import dev.domainevents.EventInterceptors;
import dev.domainevents.spi.DispatchTable;
import dev.domainevents.spi.EventCatalog;
import dev.domainevents.spi.EventDispatcher;
import dev.domainevents.spi.InstalledInfra;
import dev.domainevents.spi.JdbcTransactions;
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

  /** The system interceptors see. */
  private static final String SYSTEM = "jdbc";

  /** How long {@link #close} waits for the current batch before interrupting it. */
  private static final long CLOSE_TIMEOUT_MILLIS = 10_000;

  private final DataSource dataSource;
  private final JdbcOutbox outbox;
  private final String service;
  private final List<Object> handlers;
  private final EventCatalog explicitCatalog;
  private final StartPosition startFrom;
  private final int batchSize;
  private final RetryStrategy retryStrategy;
  private final EventInterceptors interceptors;
  private final Clock clock;
  private final BusRetries retries;
  private final FailedEvents failed;
  private final PollingWorker worker;
  private final String batchSql;
  private volatile Dispatch dispatch;

  private DatabaseEventBus(Builder builder) {
    this.dataSource = builder.dataSource;
    this.outbox = builder.outbox;
    this.service = builder.service;
    this.handlers = List.copyOf(builder.handlers);
    this.explicitCatalog = builder.catalog;
    this.startFrom = builder.startFrom;
    this.batchSize = builder.batchSize;
    this.retryStrategy = builder.retryStrategy;
    this.interceptors = builder.interceptors;
    this.clock = builder.clock;
    this.retries = new BusRetries(service, retryStrategy, batchSize);
    this.failed = FailedEvents.ofBusService(dataSource, clock, service);
    long pollIntervalMillis = builder.pollInterval.toMillis();
    this.worker =
        new PollingWorker(
            "outbox-bus-" + service,
            pollIntervalMillis,
            CLOSE_TIMEOUT_MILLIS,
            outbox,
            () -> poll().read >= batchSize ? 0 : pollIntervalMillis,
            log);
    this.batchSql =
        "SELECT bus_seq, "
            + OutboxRows.ENVELOPE_COLUMNS
            + " FROM "
            + OutboxRows.OUTBOX
            + " WHERE bus_seq > ? ORDER BY bus_seq LIMIT "
            + batchSize;
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
    return JdbcTransactions.run(
        dataSource,
        connection -> {
          BusSequencer.sequence(connection);
          connection.commit(); // numbering is shared by all services: release its lock at once
          return consume(connection, dispatch);
        });
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
      current = new Dispatch(catalog, DispatchTable.of(dispatchers, interceptors, SYSTEM));
      dispatch = current;
    }
    return current;
  }

  private BusPoll consume(Connection connection, Dispatch dispatch) throws SQLException {
    Long position = lockService(connection);
    if (position == null) {
      return BusPoll.NOTHING; // another instance of this service holds the batch
    }
    long now = clock.millis();
    BusRetries.Deliverer deliverer = (stored, attempt) -> deliver(dispatch, stored, attempt);
    Set<AggregateKey> parked = new HashSet<>();
    int handled = retries.deliverDue(connection, deliverer, parked, now);
    parked.addAll(retries.waitingAggregates(connection));

    long newPosition = position;
    int read = 0;
    try (PreparedStatement select = connection.prepareStatement(batchSql)) {
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
          AggregateKey aggregate = AggregateKey.of(stored);
          if (parked.contains(aggregate)) {
            retries.waitBehind(connection, seq, now);
            continue;
          }
          BusRetries.Delivery delivery = deliverer.deliver(stored, 1);
          if (delivery.outcome() == BusRetries.Outcome.HANDLED) {
            handled++;
          } else if (retries.firstDeliveryFailed(connection, seq, delivery, now)) {
            parked.add(aggregate);
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

  /** Calls the handlers with attempt number {@code attempt}. */
  private BusRetries.Delivery deliver(
      Dispatch dispatch, OutboxRows.StoredEvent stored, int attempt) {
    EventEnvelope envelope;
    try {
      envelope = stored.decode(dispatch.catalog, outbox.codec());
    } catch (OutboxRows.UndecodableEventException e) {
      log.error("service {}: {}", service, e.getMessage());
      return new BusRetries.Delivery(BusRetries.Outcome.UNDECODABLE, e.getMessage());
    }
    Delivery delivery =
        interceptors.isEmpty()
            ? null
            : Delivery.of(envelope, attempt, SYSTEM, OutboxRows.OUTBOX, service, -1, -1);
    long start = System.nanoTime();
    try {
      dispatch.table.dispatch(delivery != null ? delivery : EventContext.of(envelope, attempt));
      if (delivery != null) {
        interceptors.outcome(delivery, Outcome.HANDLED, null, System.nanoTime() - start);
      }
      return BusRetries.Delivery.HANDLED;
    } catch (Exception | AssertionError e) {
      if (delivery != null) {
        Outcome outcome =
            attempt >= retryStrategy.maxAttempts() ? Outcome.DEAD_LETTERED : Outcome.RETRIED;
        interceptors.outcome(delivery, outcome, e, System.nanoTime() - start);
      }
      log.warn(
          "service {}: handling {} ({}) failed, attempt {} of {}",
          service,
          envelope.name(),
          envelope.eventId(),
          attempt,
          retryStrategy.maxAttempts(),
          e);
      return new BusRetries.Delivery(BusRetries.Outcome.HANDLER_FAILED, OutboxRows.reason(e));
    }
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
    long start = startFrom == StartPosition.NOW ? BusSequencer.lastNumber(connection) : 0;
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

  /** Lists up to {@code limit} of this service's failed events, oldest first. */
  public List<FailedEvent> failures(int limit) throws SQLException {
    return failed.list(limit);
  }

  /**
   * Makes this service's failed event {@code eventId} due again, with its attempts reset.
   *
   * @return whether this service had that event as failed
   */
  public boolean requeue(UUID eventId) throws SQLException {
    return failed.requeue(eventId);
  }

  /**
   * Gives up this service's failed event {@code eventId} for good. The event stays in the outbox
   * for the relay and the other services.
   *
   * @return whether this service had that event as failed
   */
  public boolean deleteFailure(UUID eventId) throws SQLException {
    return failed.delete(eventId);
  }

  /** Starts consuming on a daemon thread; local commits through the outbox wake it. */
  public DatabaseEventBus start() {
    dispatch(); // fail now, not on the thread, if a handler has no dispatcher
    worker.start();
    return this;
  }

  /** Makes a started bus poll now. */
  public void wake() {
    worker.wake();
  }

  /**
   * Stops consuming and waits up to ten seconds for the current batch; a batch still running then
   * is interrupted, and its events are delivered again by the next poll.
   */
  @Override
  public void close() {
    worker.close();
  }

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
    private EventInterceptors interceptors = EventInterceptors.defaults();
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

    /**
     * Runs {@code interceptors} around each delivery attempt: they see a {@link Delivery} of system
     * {@code jdbc}, destination the outbox table and consumer group the service, and the outcome
     * {@code HANDLED}, {@code RETRIED} (the attempt failed and another is due) or {@code
     * DEAD_LETTERED} (attempts used up: kept as failed). A row that cannot be decoded is kept as
     * failed and logged, with no outcome, since it has no envelope. Default: the log context alone.
     */
    public Builder interceptors(EventInterceptors interceptors) {
      this.interceptors = Objects.requireNonNull(interceptors, "interceptors");
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
