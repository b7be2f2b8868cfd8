package dev.domainevents.eventstore;

import dev.domainevents.Delivery;
import dev.domainevents.EventEnvelope;
import dev.domainevents.EventInterceptor.Outcome;
import dev.domainevents.EventInterceptors;
import dev.domainevents.spi.DispatchTable;
import dev.domainevents.spi.EventDispatcher;
import dev.domainevents.spi.JdbcTransactions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;

/**
 * A read model kept up to date from the store's global log: an ordinary handler class of
 * {@code @EventHandler} methods, fed in global order, with its own stored position.
 *
 * <p>Each {@link #runOnce} reads one batch after the stored position, calls the handler for each
 * event it handles, and advances the position, all in one transaction: handlers update the read
 * model on {@link #connection()}, the batch's connection, so an event's effect and the position
 * past it commit together, and each event takes effect exactly once. A handler that throws rolls
 * the batch back; it is read again on the next run, nothing is skipped.
 *
 * <pre>{@code
 * Projection stockView = Projection.create(store, "stock-view", new StockView());
 * stockView.catchUp();                 // e.g. from a scheduled task
 *
 * final class StockView {
 *   @EventHandler("Stock:Take")
 *   void onTaken(Taken event, EventEnvelope envelope) throws SQLException {
 *     try (PreparedStatement update = Projection.connection().prepareStatement("UPDATE ...")) {...}
 *   }
 * }
 * }</pre>
 *
 * <p><b>Rebuilding.</b> {@link #rebuild} empties the read model (with the work you give it) and
 * resets the position to 0 in one transaction; {@link #catchUp} then replays the whole log. For a
 * rebuild while the old read model keeps serving, create a second projection with another name
 * writing to new tables, catch it up, and switch readers over (blue/green).
 *
 * <p>Runs of one projection may overlap across threads and hosts: the position row is locked for
 * the batch, so they take turns. Thread-safe.
 */
public final class Projection {
  /** Events per transaction. */
  static final int BATCH = 500;

  private static final ThreadLocal<Connection> CURRENT = new ThreadLocal<>();

  private static final String LOCK =
      "SELECT applied_position FROM domain_event_projection WHERE name = ? FOR UPDATE";
  private static final String INSERT =
      "INSERT INTO domain_event_projection (name, applied_position) VALUES (?, 0)";
  private static final String ADVANCE =
      "UPDATE domain_event_projection SET applied_position = ? WHERE name = ?";

  private static final String SYSTEM = "eventstore";

  private final JdbcEventStore store;
  private final String name;
  private final EventDispatcher dispatcher;
  private final DispatchTable table;
  private final EventInterceptors interceptors;

  private Projection(
      JdbcEventStore store,
      String name,
      EventDispatcher dispatcher,
      EventInterceptors interceptors) {
    this.store = store;
    this.name = name;
    this.dispatcher = dispatcher;
    this.interceptors = interceptors;
    this.table = DispatchTable.of(List.of(dispatcher), interceptors, SYSTEM);
  }

  /**
   * Returns the projection {@code name} (at most 100 characters) feeding {@code handler} through
   * its generated dispatcher, found in the store's catalog.
   *
   * @throws IllegalArgumentException if the catalog has no dispatcher for the handler's class
   */
  public static Projection create(JdbcEventStore store, String name, Object handler) {
    return create(store, name, handler, EventInterceptors.defaults());
  }

  /**
   * Returns the projection {@code name} like {@link #create(JdbcEventStore, String, Object)},
   * running {@code interceptors} around each event it hands the handler: they see a {@link
   * Delivery} of system {@code eventstore}, the projection's name as destination and group, and the
   * event's global position as offset, and an outcome per event: {@code HANDLED}, or {@code
   * RETRIED} when a handler throws, since the batch rolls back and is read again. Events the
   * handler does not take are not deliveries of this projection and are not reported.
   */
  public static Projection create(
      JdbcEventStore store, String name, Object handler, EventInterceptors interceptors) {
    Objects.requireNonNull(interceptors, "interceptors");
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(handler, "handler");
    if (name.isEmpty() || name.length() > 100) {
      throw new IllegalArgumentException(
          "a projection name must have 1 to 100 characters, had " + name.length());
    }
    EventDispatcher dispatcher = store.catalog().dispatcherFor(handler);
    if (dispatcher == null) {
      throw new IllegalArgumentException(
          "no generated dispatcher for "
              + handler.getClass().getName()
              + "; is it compiled with sdk-processor and are its events in the store's catalog?");
    }
    return new Projection(store, name, dispatcher, interceptors);
  }

  /**
   * The connection of the batch running on this thread, for handlers to update the read model in
   * the batch's transaction. Do not commit, roll back or close it.
   *
   * @throws IllegalStateException outside a projection's handler call
   */
  public static Connection connection() {
    Connection connection = CURRENT.get();
    if (connection == null) {
      throw new IllegalStateException("Projection.connection() is for handlers a projection runs");
    }
    return connection;
  }

  /** The name the position is stored under. */
  public String name() {
    return name;
  }

  /**
   * Applies the next batch of events, in one transaction.
   *
   * @return how many events were read
   * @throws Exception whatever a handler throws; the batch is rolled back
   */
  public int runOnce() throws Exception {
    return JdbcTransactions.<Integer, Exception>run(store.dataSource(), this::runBatch);
  }

  /**
   * Runs batches until one finds nothing new.
   *
   * @return how many events were read
   */
  public long catchUp() throws Exception {
    long total = 0;
    for (int read; (read = runOnce()) > 0; ) {
      total += read;
    }
    return total;
  }

  /** The position applied so far: the global position of the last event read, 0 at the start. */
  public long position() throws SQLException {
    try (Connection connection = store.dataSource().getConnection();
        PreparedStatement select =
            connection.prepareStatement(
                "SELECT applied_position FROM domain_event_projection WHERE name = ?")) {
      select.setString(1, name);
      try (ResultSet row = select.executeQuery()) {
        return row.next() ? row.getLong(1) : 0;
      }
    }
  }

  /** Work that empties a read model, run by {@link #rebuild}. */
  @FunctionalInterface
  public interface Reset {
    /** Empties the read model on {@code connection}, in the rebuild's transaction. */
    void run(Connection connection) throws SQLException;
  }

  /**
   * Empties the read model with {@code reset} and sets the position back to 0, in one transaction;
   * {@link #catchUp} then rebuilds it from the whole log.
   */
  public void rebuild(Reset reset) throws SQLException {
    Objects.requireNonNull(reset, "reset");
    JdbcTransactions.<Void, SQLException>run(
        store.dataSource(),
        connection -> {
          lockPosition(connection);
          reset.run(connection);
          advance(connection, 0);
          return null;
        });
  }

  private int runBatch(Connection connection) throws Exception {
    long position = lockPosition(connection);
    List<RecordedEvent> events = store.readAll(connection, position, BATCH);
    if (events.isEmpty()) {
      return 0;
    }
    CURRENT.set(connection);
    try {
      for (RecordedEvent event : events) {
        EventEnvelope envelope = event.envelope();
        if (dispatcher.events().contains(envelope.name())) {
          Delivery delivery =
              Delivery.of(envelope, 1, SYSTEM, name, name, -1, event.globalPosition());
          long start = System.nanoTime();
          try {
            table.dispatch(delivery);
          } catch (Exception | Error e) {
            interceptors.outcome(delivery, Outcome.RETRIED, e, System.nanoTime() - start);
            throw e;
          }
          interceptors.outcome(delivery, Outcome.HANDLED, null, System.nanoTime() - start);
        }
      }
    } finally {
      CURRENT.remove();
    }
    advance(connection, events.get(events.size() - 1).globalPosition());
    return events.size();
  }

  /** Locks the projection's position row, creating it at 0 the first time. */
  private long lockPosition(Connection connection) throws SQLException {
    for (int attempt = 0; attempt < 2; attempt++) {
      try (PreparedStatement lock = connection.prepareStatement(LOCK)) {
        lock.setString(1, name);
        try (ResultSet row = lock.executeQuery()) {
          if (row.next()) {
            return row.getLong(1);
          }
        }
      }
      if (attempt == 0) {
        try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
          insert.setString(1, name);
          insert.executeUpdate();
        }
      }
    }
    throw new SQLException("the position row of projection " + name + " vanished");
  }

  private void advance(Connection connection, long position) throws SQLException {
    try (PreparedStatement update = connection.prepareStatement(ADVANCE)) {
      update.setLong(1, position);
      update.setString(2, name);
      update.executeUpdate();
    }
  }
}
