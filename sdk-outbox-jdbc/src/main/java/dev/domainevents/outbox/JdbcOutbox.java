package dev.domainevents.outbox;

import dev.domainevents.Entity;
import dev.domainevents.EventBatch;
import dev.domainevents.EventEnvelope;
import dev.domainevents.UnitOfWork;
import dev.domainevents.json.JsonPayloadCodec;
import dev.domainevents.spi.InstalledInfra;
import dev.domainevents.spi.JdbcTransactions;
import dev.domainevents.spi.PayloadCodec;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;

/**
 * Writes entities' events into the outbox table, inside the caller's JDBC transaction, on the
 * caller's {@link Connection}: if the transaction rolls back, no event remains; once it commits,
 * the {@link OutboxRelay} ships them.
 *
 * <pre>{@code
 * JdbcOutbox outbox = JdbcOutbox.create();   // payloads as JSON; create(codec) for another codec
 * outbox.inTransaction(dataSource, connection -> {
 *   goods.shopping(2);
 *   goodsRepository.save(connection, goods);
 *   outbox.write(connection, goods);      // same connection, same transaction
 *   return null;
 * });                                      // committed: relays in this JVM wake at once
 * }</pre>
 *
 * <p>When you commit yourself, call {@link #committed()} afterwards so local relays wake without
 * waiting for their next poll. Thread-safe.
 */
public final class JdbcOutbox {
  // next_attempt_ms is 0, not the writer's clock: a new row is due at once, even for a relay on a
  // host whose clock lags.
  private static final String INSERT =
      "INSERT INTO "
          + OutboxRows.OUTBOX
          + " ("
          + OutboxRows.ENVELOPE_COLUMNS
          + ", status, attempts, next_attempt_ms, created_at_ms)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
          + OutboxRows.PENDING
          + ", 0, 0, ?)";

  private final PayloadCodec codec;
  private final Clock clock;
  private final List<Runnable> commitListeners = new CopyOnWriteArrayList<>();

  private JdbcOutbox(PayloadCodec codec, Clock clock) {
    this.codec = codec;
    this.clock = clock;
  }

  /** Returns an outbox that stores payloads as JSON, with {@link JsonPayloadCodec#create()}. */
  public static JdbcOutbox create() {
    return create(JsonPayloadCodec.create());
  }

  /**
   * Returns an outbox that stores payloads with {@code codec}, e.g. {@code
   * JsonPayloadCodec.create(yourObjectMapper)}. The payload columns are text: the codec must write
   * UTF-8, as JSON is.
   */
  public static JdbcOutbox create(PayloadCodec codec) {
    return new JdbcOutbox(Objects.requireNonNull(codec, "codec"), Clock.systemUTC());
  }

  /** Work to run in one JDBC transaction. */
  @FunctionalInterface
  public interface TransactionWork<T> {
    /** Does the work on {@code connection}; its transaction commits if this returns normally. */
    T run(Connection connection) throws SQLException;
  }

  /**
   * Stores the entities' pending events, merged in raise order, with one batch insert on {@code
   * connection}, then clears them from the entities. If the insert fails, the entities keep their
   * events and the exception propagates; roll the transaction back.
   *
   * @return the number of events written
   * @throws IllegalArgumentException if a payload cannot be encoded; nothing is written
   */
  public int write(Connection connection, Entity... entities) throws SQLException {
    Objects.requireNonNull(connection, "connection");
    return insertAndClear(connection, EventBatch.of(InstalledInfra.catalogIfInstalled(), entities));
  }

  /** Stores the unit of work's pending events like {@link #write(Connection, Entity...)}. */
  public int write(Connection connection, UnitOfWork work) throws SQLException {
    Objects.requireNonNull(connection, "connection");
    Objects.requireNonNull(work, "work");
    return insertAndClear(connection, EventBatch.of(InstalledInfra.catalogIfInstalled(), work));
  }

  private int insertAndClear(Connection connection, EventBatch batch) throws SQLException {
    int written = insert(connection, batch.events());
    batch.clear(); // stored now; the relay publishes them
    return written;
  }

  /** Stores envelopes that were drained earlier, in the given order. */
  public int writeEnvelopes(Connection connection, List<EventEnvelope> events) throws SQLException {
    Objects.requireNonNull(connection, "connection");
    Objects.requireNonNull(events, "events");
    return insert(connection, List.copyOf(events));
  }

  /**
   * Runs {@code work} in a new transaction on a connection from {@code dataSource}, commits, and
   * wakes local relays. Any exception rolls the transaction back and propagates.
   */
  public <T> T inTransaction(DataSource dataSource, TransactionWork<T> work) throws SQLException {
    Objects.requireNonNull(dataSource, "dataSource");
    Objects.requireNonNull(work, "work");
    T result = JdbcTransactions.run(dataSource, work::run);
    committed();
    return result;
  }

  /**
   * Tells relays in this JVM that events were committed, so they poll now rather than at their next
   * interval. Optional: without it, events are shipped at the next poll.
   */
  public void committed() {
    for (Runnable listener : commitListeners) {
      listener.run();
    }
  }

  /** The codec payloads are stored with. */
  public PayloadCodec codec() {
    return codec;
  }

  Clock clock() {
    return clock;
  }

  void addCommitListener(Runnable listener) {
    commitListeners.add(listener);
  }

  void removeCommitListener(Runnable listener) {
    commitListeners.remove(listener);
  }

  private int insert(Connection connection, List<EventEnvelope> events) throws SQLException {
    if (events.isEmpty()) {
      return 0;
    }
    // Encode everything first: a payload the codec rejects must not leave half a batch behind.
    String[] payloads = new String[events.size()];
    for (int i = 0; i < payloads.length; i++) {
      payloads[i] = OutboxRows.encodePayload(codec, events.get(i));
    }
    long now = clock.millis();
    try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
      for (int i = 0; i < payloads.length; i++) {
        OutboxRows.bindEnvelope(insert, 1, events.get(i), payloads[i]);
        insert.setLong(OutboxRows.ENVELOPE_COLUMN_COUNT + 1, now);
        insert.addBatch();
      }
      int[] counts = insert.executeBatch();
      if (counts.length != payloads.length) {
        throw new SQLException(
            "the driver inserted " + counts.length + " of " + payloads.length + " outbox rows");
      }
    }
    if (connection.getAutoCommit()) {
      committed();
    }
    return payloads.length;
  }
}
