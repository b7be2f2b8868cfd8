package dev.domainevents.eventstore;

import dev.domainevents.Entity;
import dev.domainevents.EventBatch;
import dev.domainevents.EventEnvelope;
import dev.domainevents.json.JsonPayloadCodec;
import dev.domainevents.spi.EventCatalog;
import dev.domainevents.spi.PayloadCodec;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * An event store in one database: streams of events, each appended with an expected version, and
 * one global log of all streams in commit order.
 *
 * <pre>{@code
 * JdbcEventStore store = JdbcEventStore.create(dataSource, EventStoreDialect.POSTGRESQL, catalog);
 * // in your transaction:
 * long version = store.append(connection, stream, expectedVersion, events);
 * // anywhere:
 * List<RecordedEvent> stream = store.load(connection, stream, 0);
 * List<RecordedEvent> next = store.readAll(lastPosition, 500);
 * }</pre>
 *
 * <p><b>Versions.</b> A stream's events are numbered from 1. An append at expected version {@code
 * v} writes versions {@code v+1...}; the store's unique (stream, version) constraint lets exactly
 * one of two writers at {@code v} commit, and the other gets a {@link
 * ConcurrencyConflictException}. After one, roll the transaction back: the append may have left
 * rows behind in it.
 *
 * <p><b>The global log</b> is gap-free and in commit order: an event gets its global position only
 * once it is committed, when a reader ({@link #readAll}) numbers what has been committed since the
 * last reader did. A reader therefore never waits for an open transaction, and never misses one
 * that commits late: its events are numbered after whatever committed before them.
 *
 * <p>Payloads and headers are stored as text with the codec (JSON by default), and decoded with the
 * catalog's type for the event's name: nothing read from the table names a class. Immutable and
 * thread-safe.
 */
public final class JdbcEventStore {
  /** Most events one append may write. */
  public static final int MAX_EVENTS_PER_APPEND = 1000;

  /** Most events one {@link #readAll} call returns. */
  public static final int MAX_READ_BATCH = 10_000;

  private static final String VERSION_EXISTS =
      "SELECT 1 FROM "
          + StoreRows.TABLE
          + " WHERE aggregate_type = ? AND aggregate_id = ? AND stream_version = ?";
  private static final String CURRENT_VERSION =
      "SELECT stream_version FROM "
          + StoreRows.TABLE
          + " WHERE aggregate_type = ? AND aggregate_id = ? ORDER BY stream_version DESC LIMIT 1";
  private static final String LOAD =
      "SELECT "
          + StoreRows.SELECT_COLUMNS
          + " FROM "
          + StoreRows.TABLE
          + " WHERE aggregate_type = ? AND aggregate_id = ? AND stream_version > ?"
          + " ORDER BY stream_version";
  private static final String READ_ALL =
      "SELECT "
          + StoreRows.SELECT_COLUMNS
          + " FROM "
          + StoreRows.TABLE
          + " WHERE global_position > ? ORDER BY global_position LIMIT ?";

  private final DataSource dataSource;
  private final EventStoreDialect dialect;
  private final EventCatalog catalog;
  private final PayloadCodec codec;
  private final OutboxWriter outbox;
  private final GlobalSequencer sequencer;

  private JdbcEventStore(
      DataSource dataSource,
      EventStoreDialect dialect,
      EventCatalog catalog,
      PayloadCodec codec,
      OutboxWriter outbox) {
    this.dataSource = dataSource;
    this.dialect = dialect;
    this.catalog = catalog;
    this.codec = codec;
    this.outbox = outbox;
    this.sequencer = new GlobalSequencer(dataSource);
  }

  /**
   * Returns a store in {@code dataSource}'s database (see {@link EventStoreSchema} for its tables)
   * that stores payloads as JSON and decodes them with {@code catalog}'s types.
   */
  public static JdbcEventStore create(
      DataSource dataSource, EventStoreDialect dialect, EventCatalog catalog) {
    return new JdbcEventStore(
        Objects.requireNonNull(dataSource, "dataSource"),
        Objects.requireNonNull(dialect, "dialect"),
        Objects.requireNonNull(catalog, "catalog"),
        JsonPayloadCodec.create(),
        null);
  }

  /**
   * Returns this store with payloads and headers stored by {@code codec}, which must write UTF-8.
   */
  public JdbcEventStore withCodec(PayloadCodec codec) {
    return new JdbcEventStore(
        dataSource, dialect, catalog, Objects.requireNonNull(codec, "codec"), outbox);
  }

  /**
   * Returns this store writing every append to {@code outbox} too, in the append's transaction, so
   * the events also ship to the installed infra: {@code withOutbox(jdbcOutbox::writeEnvelopes)}.
   */
  public JdbcEventStore withOutbox(OutboxWriter outbox) {
    return new JdbcEventStore(
        dataSource, dialect, catalog, codec, Objects.requireNonNull(outbox, "outbox"));
  }

  /**
   * Appends {@code events} to {@code stream} on {@code connection}, in the caller's transaction, if
   * the stream is at {@code expectedVersion} (0 for a new stream).
   *
   * @return the stream's version after the append
   * @throws ConcurrencyConflictException if the stream is at another version; roll back
   * @throws IllegalArgumentException if an event belongs to another stream, there are more than
   *     {@link #MAX_EVENTS_PER_APPEND}, or a payload cannot be encoded; nothing is written
   */
  public long append(
      Connection connection, StreamId stream, long expectedVersion, List<EventEnvelope> events)
      throws SQLException {
    Objects.requireNonNull(connection, "connection");
    Objects.requireNonNull(stream, "stream");
    Objects.requireNonNull(events, "events");
    if (expectedVersion < 0) {
      throw new IllegalArgumentException("expectedVersion must be >= 0, was " + expectedVersion);
    }
    if (events.size() > MAX_EVENTS_PER_APPEND) {
      throw new IllegalArgumentException(
          "cannot append " + events.size() + " events at once, at most " + MAX_EVENTS_PER_APPEND);
    }
    if (events.isEmpty()) {
      return expectedVersion;
    }
    // Encode everything first: an event the codec rejects must not leave half an append behind.
    String[] payloads = new String[events.size()];
    String[] headers = new String[events.size()];
    for (int i = 0; i < payloads.length; i++) {
      EventEnvelope event = Objects.requireNonNull(events.get(i), "event");
      if (!stream.aggregateType().equals(event.aggregateType())
          || !stream.aggregateId().equals(event.aggregateId())) {
        throw new IllegalArgumentException(
            "event "
                + event.name()
                + " of "
                + event.aggregateType()
                + "/"
                + event.aggregateId()
                + " does not belong to the stream "
                + stream);
      }
      payloads[i] = StoreRows.encode(codec, event, event.payload(), "payload");
      headers[i] = StoreRows.encode(codec, event, event.headers(), "headers");
    }
    // The unique constraint decides between racing writers; the check of the expected version's
    // event only keeps an append from leaving a hole, when the expected version is ahead of the
    // stream. PostgreSQL checks it in the insert itself (InsertSql.guarded), saving a round trip.
    boolean guarded = expectedVersion > 0 && dialect == EventStoreDialect.POSTGRESQL;
    if (expectedVersion > 0 && !guarded && !versionExists(connection, stream, expectedVersion)) {
      throw new ConcurrencyConflictException(
          stream, expectedVersion, currentVersion(connection, stream));
    }
    insert(connection, stream, expectedVersion, events, payloads, headers, guarded);
    if (outbox != null) {
      outbox.write(connection, events);
    }
    return expectedVersion + events.size();
  }

  /**
   * Appends the entity's pending events to its stream ({@code Goods}, its identity) if the stream
   * is at {@code expectedVersion}, and clears them from the entity once written. If the append
   * fails, the entity keeps its events.
   *
   * @return the stream's version after the append
   */
  public long append(Connection connection, Entity entity, long expectedVersion)
      throws SQLException {
    Objects.requireNonNull(entity, "entity");
    EventBatch batch = EventBatch.of(catalog, entity);
    if (batch.isEmpty()) {
      return expectedVersion;
    }
    StreamId stream = new StreamId(entity.getClass().getSimpleName(), entity.identity());
    long version = append(connection, stream, expectedVersion, batch.events());
    batch.clear();
    return version;
  }

  /**
   * Returns the events of {@code stream} after version {@code afterVersion} (0 for all), in stream
   * order, as committed or written on {@code connection}.
   *
   * @throws IllegalStateException if a stored event cannot be decoded
   */
  public List<RecordedEvent> load(Connection connection, StreamId stream, long afterVersion)
      throws SQLException {
    Objects.requireNonNull(connection, "connection");
    Objects.requireNonNull(stream, "stream");
    List<RecordedEvent> events = new ArrayList<>();
    try (PreparedStatement select = connection.prepareStatement(LOAD)) {
      select.setString(1, stream.aggregateType());
      select.setString(2, stream.aggregateId());
      select.setLong(3, afterVersion);
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          events.add(StoreRows.read(rows, catalog, codec));
        }
      }
    }
    return events;
  }

  /** Returns the version of {@code stream}: its number of events, 0 if it has none. */
  public long currentVersion(Connection connection, StreamId stream) throws SQLException {
    Objects.requireNonNull(connection, "connection");
    Objects.requireNonNull(stream, "stream");
    // MariaDB reads a snapshot by default; a locking read sees the latest committed version.
    String sql =
        dialect == EventStoreDialect.MARIADB
            ? CURRENT_VERSION + " LOCK IN SHARE MODE"
            : CURRENT_VERSION;
    try (PreparedStatement select = connection.prepareStatement(sql)) {
      select.setString(1, stream.aggregateType());
      select.setString(2, stream.aggregateId());
      try (ResultSet row = select.executeQuery()) {
        return row.next() ? row.getLong(1) : 0;
      }
    }
  }

  /**
   * Returns up to {@code maxCount} events of all streams after global position {@code
   * afterPosition} (0 for the start), in global order, on a connection of its own. Numbers newly
   * committed events first.
   */
  public List<RecordedEvent> readAll(long afterPosition, int maxCount) throws SQLException {
    try (Connection connection = dataSource.getConnection()) {
      return readAll(connection, afterPosition, maxCount);
    }
  }

  /**
   * Returns up to {@code maxCount} events after global position {@code afterPosition}, read on
   * {@code connection}, e.g. in the transaction that also updates a read model and its position.
   * Numbers newly committed events first, in a transaction of its own.
   *
   * @throws IllegalStateException if a stored event cannot be decoded; nothing is skipped
   */
  public List<RecordedEvent> readAll(Connection connection, long afterPosition, int maxCount)
      throws SQLException {
    Objects.requireNonNull(connection, "connection");
    if (afterPosition < 0) {
      throw new IllegalArgumentException("afterPosition must be >= 0, was " + afterPosition);
    }
    if (maxCount < 1 || maxCount > MAX_READ_BATCH) {
      throw new IllegalArgumentException(
          "maxCount must be within 1.." + MAX_READ_BATCH + ", was " + maxCount);
    }
    sequencer.sequence();
    List<RecordedEvent> events = new ArrayList<>(Math.min(maxCount, 256));
    try (PreparedStatement select = connection.prepareStatement(READ_ALL)) {
      select.setLong(1, afterPosition);
      select.setInt(2, maxCount);
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          events.add(StoreRows.read(rows, catalog, codec));
        }
      }
    }
    return events;
  }

  /** The catalog events are decoded with. */
  EventCatalog catalog() {
    return catalog;
  }

  /** The codec payloads are stored with. */
  PayloadCodec codec() {
    return codec;
  }

  DataSource dataSource() {
    return dataSource;
  }

  private static boolean versionExists(Connection connection, StreamId stream, long version)
      throws SQLException {
    try (PreparedStatement select = connection.prepareStatement(VERSION_EXISTS)) {
      select.setString(1, stream.aggregateType());
      select.setString(2, stream.aggregateId());
      select.setLong(3, version);
      try (ResultSet row = select.executeQuery()) {
        return row.next();
      }
    }
  }

  private void insert(
      Connection connection,
      StreamId stream,
      long expectedVersion,
      List<EventEnvelope> events,
      String[] payloads,
      String[] headers,
      boolean guarded)
      throws SQLException {
    int count = events.size();
    String sql = guarded ? InsertSql.guarded(count) : InsertSql.of(dialect, count);
    try (PreparedStatement insert = connection.prepareStatement(sql)) {
      for (int i = 0; i < count; i++) {
        StoreRows.bind(
            insert,
            i * StoreRows.INSERT_COLUMN_COUNT + 1,
            events.get(i),
            expectedVersion + i + 1,
            payloads[i],
            headers[i]);
      }
      if (guarded) {
        int next = count * StoreRows.INSERT_COLUMN_COUNT + 1;
        insert.setString(next, stream.aggregateType());
        insert.setString(next + 1, stream.aggregateId());
        insert.setLong(next + 2, expectedVersion);
      }
      int inserted = insert.executeUpdate();
      if (inserted != count) {
        // PostgreSQL skipped a row at a taken version (ON CONFLICT DO NOTHING), after waiting for
        // the writer that took it to commit, or inserted nothing: no event at the expected version.
        throw new ConcurrencyConflictException(
            stream, expectedVersion, currentVersion(connection, stream));
      }
    } catch (SQLException e) {
      String state = e.getSQLState();
      if (state == null || !state.startsWith("23")) {
        throw e;
      }
      // A unique violation: the stream version, unless the stream is where we expected it and the
      // violation was something else, e.g. an event id appended before.
      long actual = currentVersion(connection, stream);
      if (actual == expectedVersion) {
        throw e;
      }
      ConcurrencyConflictException conflict =
          new ConcurrencyConflictException(stream, expectedVersion, actual);
      conflict.initCause(e);
      throw conflict;
    }
  }
}
