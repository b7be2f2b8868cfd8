package dev.domainevents.outbox;

import dev.domainevents.EventEnvelope;
import dev.domainevents.spi.DomainEventInfra;
import dev.domainevents.spi.EventCatalog;
import dev.domainevents.spi.InstalledInfra;
import dev.domainevents.spi.JdbcTransactions;
import dev.domainevents.spi.PayloadCodec;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ships committed outbox rows to the infra, in batches, and marks each row sent only after the
 * infra acknowledged it (for Kafka: the broker did).
 *
 * <pre>{@code
 * OutboxRelay relay = OutboxRelay.builder(dataSource, outbox)
 *     .batchSize(500)
 *     .pollInterval(Duration.ofMillis(200))
 *     .retryStrategy(RetryStrategy.interval(20, Duration.ofSeconds(30)))
 *     .build();
 * relay.start();   // a daemon thread; close() stops it
 * }</pre>
 *
 * <p><b>Delivery</b> is at least once: a relay that dies after the broker acknowledged and before
 * the row is marked ships the row again, so consumers dedupe by {@link EventEnvelope#eventId()}.
 *
 * <p><b>Several relays</b> may poll one table, and they share it by aggregate: a relay first locks
 * the oldest unsent row of a few aggregates ({@code FOR UPDATE SKIP LOCKED}, a handful at a time,
 * until its batch is full), then claims the pending rows of those aggregates. Another relay skips
 * the locked ones and takes other aggregates, so relays do not wait for each other, and no row is
 * claimed by two relays at once. <b>Order per aggregate</b> is kept: a claimed row is shipped only
 * if every earlier unsent row of its aggregate is in the same batch; otherwise it waits for the
 * next poll. Rows waiting for a retry hold back the later rows of their aggregate; a row that used
 * up its attempts does not.
 *
 * <p><b>Pipelining</b>: while a backlog lasts, a started relay claims and publishes its next batch
 * before it waits for the acknowledgement of the current one, so that the database's work on one
 * batch overlaps the broker's on the other. Each batch is a transaction of its own, on a connection
 * of its own: the relay then holds two connections. Two batches in flight never share an aggregate,
 * for the reason two relays never do.
 *
 * <p><b>Stored bytes</b>: when the target {@link DomainEventInfra#shipsEncodedPayloads ships
 * payloads} the outbox's codec encoded (a started {@code KafkaInfra} or {@code AmqpInfra} with an
 * equal payload codec and no publish interceptor), a row's payload is shipped in the bytes it was
 * stored in, not decoded and encoded again. A payload of an older schema version is still decoded
 * through the upcasters. The relay then checks the event name against the catalog and leaves the
 * payload's bytes to the consumer, which dead-letters a payload that does not decode, with the
 * reason.
 *
 * <p><b>No horizon</b>: a pending row is shipped however old it is.
 */
public final class OutboxRelay implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);

  /** When another relay holds the head of an aggregate, look again this soon. */
  private static final long CONTENDED_RETRY_MILLIS = 5;

  private static final String SELECT_COLUMNS = "id, attempts, " + OutboxRows.ENVELOPE_COLUMNS;

  /**
   * PostgreSQL's claim, in one statement: the window of the oldest pending rows names the heads
   * (the oldest unsent row of each aggregate in it); a few due heads after the last one an earlier
   * round took are locked, skipping those another relay holds. Holding an aggregate's head is what
   * gives a relay the aggregate: another relay skips it. Then each head's first pending rows are
   * read from its aggregate's own index, in the statement's snapshot (an equal share of the rows
   * wanted per head, the oldest of them wanted in all), and locked, skipping those someone else
   * holds (e.g. the database event bus's sequencer). Read from the head on, an aggregate's rows
   * have no gap but those the last column shows: {@code false} where a row could not be locked. The
   * first two columns count the heads offered and locked; a poll that claims nothing still returns
   * one row, of those two counts.
   *
   * <p>Parameters: the window's size, now, the last head an earlier round took, now, heads to lock,
   * rows wanted (twice).
   */
  private static final String CLAIM_AT_ONCE_SQL =
      "WITH window_rows AS ("
          + "SELECT id, aggregate_type, aggregate_id, next_attempt_ms FROM "
          + OutboxRows.OUTBOX
          + " WHERE status = "
          + OutboxRows.PENDING
          + " ORDER BY id LIMIT ?), "
          + "offered AS (SELECT id FROM (SELECT id, next_attempt_ms, row_number() OVER"
          + " (PARTITION BY aggregate_type, aggregate_id ORDER BY id) AS nth FROM window_rows) w"
          + " WHERE nth = 1 AND next_attempt_ms <= ? AND id > ?), "
          + "heads AS (SELECT o.id, o.aggregate_type, o.aggregate_id FROM "
          + OutboxRows.OUTBOX
          + " o WHERE o.id IN (SELECT id FROM offered) AND o.status = "
          + OutboxRows.PENDING
          + " AND o.next_attempt_ms <= ? ORDER BY o.id LIMIT ? FOR UPDATE SKIP LOCKED), "
          + "candidates AS (SELECT r.*, h.id AS head FROM heads h CROSS JOIN LATERAL (SELECT "
          + SELECT_COLUMNS
          + ", next_attempt_ms FROM "
          + OutboxRows.OUTBOX
          + " r WHERE r.status = "
          + OutboxRows.PENDING
          + " AND r.aggregate_type = h.aggregate_type AND r.aggregate_id = h.aggregate_id"
          + " AND r.id >= h.id ORDER BY r.id"
          + " LIMIT (SELECT (? + count(*) - 1) / greatest(count(*), 1) FROM heads)) r"
          + " ORDER BY r.id LIMIT ?), "
          + "locked AS (SELECT o.id FROM "
          + OutboxRows.OUTBOX
          + " o WHERE o.id IN (SELECT id FROM candidates) AND o.status = "
          + OutboxRows.PENDING
          + " FOR UPDATE SKIP LOCKED) "
          // IN rather than a join: planning without statistics, PostgreSQL joined the two as a
          // nested loop of 500 by 500 rows; IN is a hashed subplan whatever the estimates.
          + "SELECT (SELECT count(*) FROM offered), (SELECT count(*) FROM heads), c.id,"
          + " c.attempts, "
          + OutboxRows.prefixedEnvelopeColumns("c.")
          + ", c.head, c.next_attempt_ms, c.id IN (SELECT id FROM locked)"
          + " FROM (SELECT 1) AS one LEFT JOIN candidates c ON TRUE ORDER BY c.id";

  /**
   * Keeps PostgreSQL reading the claim's rows in id order from the pending-rows indexes, for this
   * transaction only. A claim reads a few hundred rows; but when a backlog built up since the table
   * was last analyzed, the statistics say few rows are pending, and the planner's cheapest-looking
   * plan is then a bitmap scan that reads every pending row and sorts them, on every poll.
   */
  private static final String INDEX_ORDER_ONLY_SQL = "SET LOCAL enable_bitmapscan = off";

  /** {@link #markSent} on PostgreSQL, whose ids come as one array. */
  private static final String MARK_SENT_ANY_SQL =
      "UPDATE "
          + OutboxRows.OUTBOX
          + " SET status = "
          + OutboxRows.SENT
          + ", sent_at_ms = ?, attempts = attempts + 1, last_error = NULL WHERE id = ANY (?)";

  /** {@link #connectionIsolation} before the first poll read it. */
  private static final int ISOLATION_NOT_READ = -1;

  private final DataSource dataSource;
  private final JdbcOutbox outbox;
  private final int batchSize;
  private final RetryStrategy retryStrategy;
  private final long publishTimeoutMillis;
  private final DomainEventInfra infra;
  private final EventCatalog catalog;
  private final String name;
  private final Clock clock;
  private final Consumer<List<EventEnvelope>> afterPublish;
  private final boolean pipelining;
  private final int headsPerRound;
  private final String candidatesSql;
  private final PollingWorker worker;

  /**
   * Whether the data source is PostgreSQL, read from the first connection's metadata: there the
   * relay claims with {@link #CLAIM_AT_ONCE_SQL}, elsewhere round by round.
   */
  private volatile Boolean postgres;

  /**
   * The isolation level the data source hands connections out at, read from the first connection
   * only: on PostgreSQL, asking costs a round trip per poll.
   */
  private volatile int connectionIsolation = ISOLATION_NOT_READ;

  /** The started relay's batch published but not yet finished; only its thread touches it. */
  private Batch inFlight;

  private OutboxRelay(Builder builder) {
    this.dataSource = builder.dataSource;
    this.outbox = builder.outbox;
    this.batchSize = builder.batchSize;
    this.retryStrategy = builder.retryStrategy;
    this.publishTimeoutMillis = builder.publishTimeout.toMillis();
    this.infra = builder.infra;
    this.catalog = builder.catalog;
    this.name = builder.name;
    this.clock = builder.clock;
    this.afterPublish = builder.afterPublish;
    this.pipelining = builder.pipelining;
    // Few aggregates in the first round, so that a second relay finds aggregates left when the
    // first filled its batch from deep ones; twice as many each further round, so that a batch of
    // shallow aggregates fills in a few rounds.
    this.headsPerRound = Math.max(1, batchSize / 16);
    this.candidatesSql =
        "SELECT id, aggregate_type, aggregate_id, next_attempt_ms FROM "
            + OutboxRows.OUTBOX
            + " WHERE status = "
            + OutboxRows.PENDING
            + " ORDER BY id LIMIT "
            + batchSize;
    long pollIntervalMillis = builder.pollInterval.toMillis();
    this.worker =
        new PollingWorker(
            name,
            pollIntervalMillis,
            // the current poll and the batch left in flight may each wait for an acknowledgement
            2 * publishTimeoutMillis + 5_000,
            outbox,
            () -> pollAndPause(pollIntervalMillis),
            this::finishInFlight,
            log);
  }

  /** Starts building a relay that reads the outbox through {@code dataSource}. */
  public static Builder builder(DataSource dataSource, JdbcOutbox outbox) {
    return new Builder(dataSource, outbox);
  }

  /**
   * Starts polling on a daemon thread. The relay also wakes whenever {@code outbox} reports a local
   * commit.
   *
   * @throws IllegalStateException if already started
   */
  public OutboxRelay start() {
    worker.start();
    return this;
  }

  /** Makes a started relay poll now instead of at its next interval. */
  public void wake() {
    worker.wake();
  }

  /**
   * Claims one batch, ships what may be shipped, and marks it: sent when acknowledged, or retried
   * or failed as the retry strategy says. Tests and benchmarks may call this directly; a started
   * relay polls in a loop that also claims the next batch while this one is being acknowledged.
   *
   * @return the number of events acknowledged and marked sent
   */
  public int pollOnce() throws SQLException {
    return finish(open()).sent;
  }

  /**
   * One poll of the started relay; returns the pause before the next one. While a backlog lasts,
   * the relay keeps one batch in flight: it claims and publishes the next batch, and only then
   * waits for the acknowledgement of the one published the poll before, marks it and commits it.
   * The database's work on one batch thus overlaps the broker's on the other.
   *
   * <p>This is safe for the same reason several relays are: each batch is a transaction of its own,
   * and the claim skips the aggregates whose heads another open claim holds, so two batches in
   * flight never hold rows of one aggregate. Every statement of a claim skips locked rows rather
   * than wait for them, so the next claim never waits for the batch in flight.
   */
  private long pollAndPause(long pollIntervalMillis) throws SQLException {
    Batch previous = inFlight;
    inFlight = null;
    Batch next;
    try {
      next = open();
    } catch (SQLException | RuntimeException | Error e) {
      finishAfterFailure(previous, e);
      throw e;
    }
    if (previous != null) {
      try {
        finish(previous);
      } catch (SQLException | RuntimeException | Error e) {
        finishAfterFailure(next, e);
        throw e;
      }
    }
    // Keep the batch in flight while a backlog lasts: when it is full, or when the batch before it
    // was in flight, whose aggregates this claim had to skip.
    if (pipelining && next.publishing() && (next.claimed >= batchSize || previous != null)) {
      inFlight = next;
      return 0;
    }
    Poll poll = finish(next);
    if (poll.claimed >= batchSize && poll.sent > 0) {
      return 0; // a full batch went out: more are probably waiting
    }
    return poll.contended
        ? Math.min(CONTENDED_RETRY_MILLIS, pollIntervalMillis)
        : pollIntervalMillis;
  }

  /** When the started relay stops: finishes the batch in flight, if any. */
  private void finishInFlight() {
    Batch batch = inFlight;
    inFlight = null;
    if (batch != null) {
      try {
        finish(batch);
      } catch (SQLException | RuntimeException e) {
        log.warn(
            "relay {}: finishing the last batch failed; its rows stay in the outbox: {}",
            name,
            e.toString());
      }
    }
  }

  /** Finishes {@code batch} after {@code failure} ended the poll; its own failure is suppressed. */
  private void finishAfterFailure(Batch batch, Throwable failure) {
    if (batch != null) {
      try {
        finish(batch);
      } catch (SQLException | RuntimeException | Error e) {
        failure.addSuppressed(e);
      }
    }
  }

  /**
   * Begins a transaction, claims a batch and starts publishing what may be shipped; {@link #finish}
   * completes it. On a failure nothing is marked: the claimed rows are unlocked and shipped by a
   * later poll.
   */
  private Batch open() throws SQLException {
    // Resolved before any row is claimed: a relay started before DomainEvents.install fails here
    // rather than burning the rows' attempts.
    DomainEventInfra target = infra != null ? infra : InstalledInfra.infra();
    EventCatalog decodeWith = catalog != null ? catalog : InstalledInfra.catalog();
    long now = clock.millis();
    Connection connection = dataSource.getConnection();
    JdbcTransactions.Transaction transaction = null;
    int isolation = Connection.TRANSACTION_READ_COMMITTED;
    try {
      // Read committed: under MariaDB's default repeatable read, the claim's locking reads take
      // gap locks that make writers inserting new rows of a claimed aggregate deadlock with it.
      // Row locks alone are what the claim relies on.
      int given = connectionIsolation;
      if (given == ISOLATION_NOT_READ) {
        given = connection.getTransactionIsolation();
        connectionIsolation = given;
      }
      if (given != Connection.TRANSACTION_READ_COMMITTED) {
        connection.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
        isolation = given;
      }
      transaction = JdbcTransactions.begin(connection);
      Batch batch = new Batch(transaction, isolation);
      claimAndPublish(batch, target, decodeWith, now);
      return batch;
    } catch (SQLException | RuntimeException | Error e) {
      try {
        close(transaction, isolation, connection);
      } catch (SQLException | RuntimeException closing) {
        e.addSuppressed(closing);
      }
      throw e;
    }
  }

  private void claimAndPublish(
      Batch batch, DomainEventInfra target, EventCatalog decodeWith, long now) throws SQLException {
    Connection connection = batch.transaction.connection();
    Claim claim =
        isPostgres(connection) ? claimAtOnce(connection, now) : claimByRounds(connection, now);
    batch.claimed = claim.claimed;
    batch.contended = claim.contended;
    if (claim.claimed == 0) {
      return;
    }
    PayloadCodec codec = outbox.codec();
    // Asked per batch: the answer changes when the target starts or closes.
    boolean keepEncoded = target.shipsEncodedPayloads(codec);
    List<Row> undecodable = new ArrayList<>();
    for (Row row : claim.ready) {
      try {
        batch.envelopes.add(row.envelope(decodeWith, codec, keepEncoded));
        batch.shipped.add(row);
      } catch (OutboxRows.UndecodableEventException e) {
        log.error(
            "outbox row {} cannot be shipped and is kept as failed: {}", row.id, e.getMessage());
        row.error = e.getMessage();
        undecodable.add(row);
      }
    }
    markFailedNow(connection, undecodable, now);
    if (!batch.envelopes.isEmpty()) {
      batch.acknowledged = publish(target, batch.envelopes);
    }
  }

  /**
   * Waits for the acknowledgement of what {@code batch} published, marks its rows (sent, or retried
   * or failed as the retry strategy says) and commits; always closes its connection.
   */
  private Poll finish(Batch batch) throws SQLException {
    Connection connection = batch.transaction.connection();
    try {
      Poll poll = acknowledgeAndMark(batch, connection);
      batch.transaction.commit();
      return poll;
    } finally {
      close(batch.transaction, batch.isolation, connection);
    }
  }

  private Poll acknowledgeAndMark(Batch batch, Connection connection) throws SQLException {
    if (!batch.publishing()) {
      return new Poll(batch.claimed, 0, batch.contended);
    }
    Throwable failure = awaitAcknowledgement(batch.acknowledged);
    if (failure == null) {
      if (afterPublish != null) {
        afterPublish.accept(batch.envelopes);
      }
      markSent(connection, batch.shipped, clock.millis());
      return new Poll(batch.claimed, batch.shipped.size(), batch.contended);
    }
    log.warn(
        "relay {}: publishing {} outbox events failed; they stay in the outbox: {}",
        name,
        batch.envelopes.size(),
        failure.toString());
    markAttemptFailed(connection, batch.shipped, failure, clock.millis());
    return new Poll(batch.claimed, 0, batch.contended);
  }

  /**
   * Ends {@code transaction} if it began (rolling back what was not committed), restores the
   * connection's {@code isolation} level and returns the connection to the pool.
   */
  private static void close(
      JdbcTransactions.Transaction transaction, int isolation, Connection connection)
      throws SQLException {
    try (connection) {
      try {
        if (transaction != null) {
          transaction.close();
        }
      } finally {
        if (isolation != Connection.TRANSACTION_READ_COMMITTED) {
          connection.setTransactionIsolation(isolation);
        }
      }
    }
  }

  private boolean isPostgres(Connection connection) throws SQLException {
    Boolean known = postgres;
    if (known == null) {
      known = "PostgreSQL".equals(connection.getMetaData().getDatabaseProductName());
      postgres = known;
    }
    return known;
  }

  /**
   * Claims up to a batch on PostgreSQL, in one round trip when the first heads' rows fill it: see
   * {@link #CLAIM_AT_ONCE_SQL}. Each aggregate's rows come in order from its head, so order needs
   * no second read: an aggregate's rows are shipped up to the first one that another transaction
   * holds or that waits for a retry, and the rest of the aggregate is held back, as {@link
   * #keepAggregateOrder} does on the other databases with a read of its own.
   */
  private Claim claimAtOnce(Connection connection, long now) throws SQLException {
    List<Row> ready = new ArrayList<>(batchSize);
    Set<AggregateKey> heldBack = new HashSet<>();
    int claimed = 0;
    boolean contended = false;
    long lastHead = -1;
    int heads = headsPerRound;
    try (Statement set = connection.createStatement()) {
      set.execute(INDEX_ORDER_ONLY_SQL);
    }
    try (PreparedStatement select = connection.prepareStatement(CLAIM_AT_ONCE_SQL)) {
      while (claimed < batchSize) {
        select.setInt(1, batchSize);
        select.setLong(2, now);
        select.setLong(3, lastHead);
        select.setLong(4, now);
        select.setInt(5, heads);
        select.setInt(6, batchSize - claimed);
        select.setInt(7, batchSize - claimed);
        long offered = 0;
        long locked = 0;
        int claimedThisRound = 0;
        try (ResultSet result = select.executeQuery()) {
          while (result.next()) {
            offered = result.getLong(1);
            locked = result.getLong(2);
            long id = result.getLong(3);
            if (result.wasNull()) {
              break; // the one row of a claim that found nothing
            }
            Row row = new Row(id, result.getInt(4), OutboxRows.readStored(result, 5));
            int next = 5 + OutboxRows.ENVELOPE_COLUMN_COUNT;
            lastHead = Math.max(lastHead, result.getLong(next));
            boolean due = result.getLong(next + 1) <= now;
            boolean mine = result.getBoolean(next + 2);
            claimedThisRound++;
            if (heldBack.contains(row.aggregate)) {
              continue; // after a gap
            }
            if (mine && due) {
              ready.add(row);
            } else {
              heldBack.add(row.aggregate);
              contended |= !mine; // someone else holds it
            }
          }
        }
        claimed += claimedThisRound;
        // another relay holds, or just shipped, some of the heads offered
        contended |= locked < Math.min(heads, offered);
        if (locked == 0 || offered <= locked) {
          break; // no head left to lock in the window
        }
        // Enough heads next round to fill the batch at this round's rows per head, at least twice
        // as many as this round.
        long wanted = (batchSize - claimed) * locked / Math.max(1, claimedThisRound) + 1;
        heads = (int) Math.min(batchSize, Math.max(2L * heads, wanted));
      }
    }
    ready.sort(Comparator.comparingLong(row -> row.id));
    return new Claim(ready, claimed, contended);
  }

  /** Claims up to a batch in rounds, then drops the rows whose order the claim did not prove. */
  private Claim claimByRounds(Connection connection, long now) throws SQLException {
    HeadsClaim heads = claim(connection, now);
    if (heads.rows.isEmpty()) {
      return new Claim(heads.rows, 0, heads.contended);
    }
    Claim claim = keepAggregateOrder(connection, heads.rows, heads.oldestPending, now);
    return new Claim(claim.ready, heads.rows.size(), claim.contended || heads.contended);
  }

  /**
   * Claims up to a batch. The oldest pending rows, read without locks, name the heads (the oldest
   * unsent row) of their aggregates: every pending row older than a row of the window is in the
   * window. The relay locks a few heads, skipping those another relay holds, then claims the due
   * rows of those aggregates, and locks more heads while the batch has room.
   */
  private HeadsClaim claim(Connection connection, long now) throws SQLException {
    Map<AggregateKey, Long> candidates = new LinkedHashMap<>();
    long oldestPending = Long.MAX_VALUE;
    try (PreparedStatement select = connection.prepareStatement(candidatesSql);
        ResultSet result = select.executeQuery()) {
      while (result.next()) {
        oldestPending = Math.min(oldestPending, result.getLong(1));
        // A head waiting for a retry holds its aggregate back: -1 marks it.
        candidates.putIfAbsent(
            new AggregateKey(result.getString(2), result.getString(3)),
            result.getLong(4) <= now ? result.getLong(1) : -1);
      }
    }
    List<Long> heads = new ArrayList<>(candidates.size());
    for (long head : candidates.values()) {
      if (head >= 0) {
        heads.add(head);
      }
    }
    List<Row> rows = new ArrayList<>(batchSize);
    boolean contended = false;
    int next = 0;
    for (int round = headsPerRound; next < heads.size() && rows.size() < batchSize; round *= 2) {
      // Every head left is offered and at most round of them locked, so that the heads another
      // relay holds are skipped within the statement rather than cost a round of their own.
      List<Long> offered = heads.subList(next, heads.size());
      List<Long> lockedIds = new ArrayList<>(Math.min(round, offered.size()));
      List<AggregateKey> locked = lockHeads(connection, offered, round, now, lockedIds);
      // another relay holds, or just shipped, some
      contended |= locked.size() < Math.min(round, offered.size());
      if (locked.isEmpty()) {
        break;
      }
      claimRowsOf(connection, locked, offered.get(0), now, batchSize - rows.size(), rows);
      next = Collections.binarySearch(heads, lockedIds.get(lockedIds.size() - 1)) + 1;
    }
    rows.sort(Comparator.comparingLong(row -> row.id));
    return new HeadsClaim(rows, oldestPending, contended);
  }

  /**
   * Locks the oldest {@code limit} of the head rows {@code ids} (ascending) that are still pending,
   * due and not locked; adds their ids to {@code lockedIds}, in id order.
   */
  private List<AggregateKey> lockHeads(
      Connection connection, List<Long> ids, int limit, long now, List<Long> lockedIds)
      throws SQLException {
    StringBuilder sql =
        new StringBuilder("SELECT aggregate_type, aggregate_id, id FROM ")
            .append(OutboxRows.OUTBOX)
            .append(" WHERE status = ")
            .append(OutboxRows.PENDING)
            .append(" AND next_attempt_ms <= ? AND id IN (");
    placeholders(sql, ids.size(), "?")
        .append(") ORDER BY id LIMIT ")
        .append(limit)
        .append(" FOR UPDATE SKIP LOCKED");
    List<AggregateKey> locked = new ArrayList<>(ids.size());
    try (PreparedStatement select = connection.prepareStatement(sql.toString())) {
      select.setLong(1, now);
      for (int i = 0; i < ids.size(); i++) {
        select.setLong(i + 2, ids.get(i));
      }
      try (ResultSet result = select.executeQuery()) {
        while (result.next()) {
          locked.add(new AggregateKey(result.getString(1), result.getString(2)));
          lockedIds.add(result.getLong(3));
        }
      }
    }
    return locked;
  }

  /**
   * Adds to {@code rows} up to {@code limit} due pending rows of {@code heads}, in id order. The
   * rows are found without locks, then locked by id: MariaDB, planning without statistics (a burst
   * since the table was last analyzed), reads the heads' rows through the status index and keeps
   * every row it read locked, skip locked and read committed notwithstanding. One statement would
   * then lock other relays, and this relay's next batch, out of every pending row up to the last it
   * claimed.
   */
  private void claimRowsOf(
      Connection connection,
      List<AggregateKey> heads,
      long firstHead,
      long now,
      int limit,
      List<Row> rows)
      throws SQLException {
    StringBuilder find =
        new StringBuilder("SELECT id FROM ")
            .append(OutboxRows.OUTBOX)
            .append(" WHERE status = ")
            .append(OutboxRows.PENDING)
            .append(
                " AND next_attempt_ms <= ? AND id >= ? AND (aggregate_type, aggregate_id) IN (");
    placeholders(find, heads.size(), "(?, ?)").append(") ORDER BY id LIMIT ").append(limit);
    List<Long> ids = new ArrayList<>(limit);
    try (PreparedStatement select = connection.prepareStatement(find.toString())) {
      int p = 1;
      select.setLong(p++, now);
      select.setLong(p++, firstHead);
      for (AggregateKey head : heads) {
        select.setString(p++, head.type());
        select.setString(p++, head.id());
      }
      try (ResultSet result = select.executeQuery()) {
        while (result.next()) {
          ids.add(result.getLong(1));
        }
      }
    }
    if (ids.isEmpty()) {
      return;
    }
    StringBuilder lock =
        new StringBuilder("SELECT ")
            .append(SELECT_COLUMNS)
            .append(" FROM ")
            .append(OutboxRows.OUTBOX)
            .append(" WHERE status = ")
            .append(OutboxRows.PENDING)
            .append(" AND next_attempt_ms <= ? AND id IN (");
    placeholders(lock, ids.size(), "?").append(") ORDER BY id FOR UPDATE SKIP LOCKED");
    try (PreparedStatement select = connection.prepareStatement(lock.toString())) {
      select.setLong(1, now);
      for (int i = 0; i < ids.size(); i++) {
        select.setLong(i + 2, ids.get(i));
      }
      try (ResultSet result = select.executeQuery()) {
        while (result.next()) {
          rows.add(Row.read(result));
        }
      }
    }
  }

  /**
   * Drops claimed rows that some earlier unsent row of the same aggregate must precede, when that
   * row is not in this batch: it is locked by another relay, or waiting for a retry. Only rows from
   * {@code oldestPending} (the oldest pending row when the claim began) on are read: below it every
   * row is sent or failed, and an aggregate's sent rows, kept until the cleaner deletes them, would
   * otherwise be read again on every poll.
   */
  private Claim keepAggregateOrder(
      Connection connection, List<Row> claimed, long oldestPending, long now) throws SQLException {
    Map<AggregateKey, Long> firstClaimed = new HashMap<>();
    for (Row row : claimed) {
      firstClaimed.putIfAbsent(row.aggregate, row.id);
    }
    long maxId = claimed.get(claimed.size() - 1).id;
    StringBuilder sql =
        new StringBuilder("SELECT id, aggregate_type, aggregate_id, next_attempt_ms FROM ")
            .append(OutboxRows.OUTBOX)
            .append(" WHERE status = ")
            .append(OutboxRows.PENDING)
            .append(" AND id >= ? AND id < ? AND (aggregate_type, aggregate_id) IN (");
    placeholders(sql, firstClaimed.size(), "(?, ?)").append(')');

    Map<Long, Row> claimedById = new HashMap<>();
    for (Row row : claimed) {
      claimedById.put(row.id, row);
    }
    Map<AggregateKey, Long> blockedFrom = new HashMap<>();
    boolean contended = false;
    try (PreparedStatement select = connection.prepareStatement(sql.toString())) {
      int p = 1;
      select.setLong(p++, oldestPending);
      select.setLong(p++, maxId);
      for (AggregateKey key : firstClaimed.keySet()) {
        select.setString(p++, key.type());
        select.setString(p++, key.id());
      }
      try (ResultSet result = select.executeQuery()) {
        while (result.next()) {
          long id = result.getLong(1);
          if (!claimedById.containsKey(id)) {
            if (result.getLong(4) <= now) {
              contended = true; // due, yet not claimed: another relay holds it
            }
            blockedFrom.merge(
                new AggregateKey(result.getString(2), result.getString(3)), id, Math::min);
          }
        }
      }
    }
    if (blockedFrom.isEmpty()) {
      return new Claim(claimed, claimed.size(), false);
    }
    List<Row> ready = new ArrayList<>(claimed.size());
    for (Row row : claimed) {
      Long blocked = blockedFrom.get(row.aggregate);
      if (blocked == null || row.id < blocked) {
        ready.add(row);
      }
    }
    return new Claim(ready, claimed.size(), contended);
  }

  /** Starts publishing; a publish that throws comes back as a failed future. */
  private static CompletableFuture<Void> publish(
      DomainEventInfra infra, List<EventEnvelope> envelopes) {
    try {
      return infra.publish(envelopes);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * Waits for the acknowledgement for at most the publish timeout; returns the failure, or null.
   */
  private Throwable awaitAcknowledgement(CompletableFuture<Void> acknowledged) {
    try {
      acknowledged.get(publishTimeoutMillis, TimeUnit.MILLISECONDS);
      return null;
    } catch (ExecutionException e) {
      return e.getCause() == null ? e : e.getCause();
    } catch (TimeoutException e) {
      return new TimeoutException(
          "no acknowledgement within " + publishTimeoutMillis + " ms (publishTimeout)");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return e;
    } catch (RuntimeException e) {
      return e;
    }
  }

  /** Marks {@code rows} sent in one statement: one round trip for the batch, not one per row. */
  private void markSent(Connection connection, List<Row> rows, long now) throws SQLException {
    if (isPostgres(connection)) {
      // One text for every batch size, so that PostgreSQL plans it once per connection.
      Long[] ids = new Long[rows.size()];
      for (int i = 0; i < ids.length; i++) {
        ids[i] = rows.get(i).id;
      }
      try (PreparedStatement update = connection.prepareStatement(MARK_SENT_ANY_SQL)) {
        update.setLong(1, now);
        update.setArray(2, connection.createArrayOf("bigint", ids));
        update.executeUpdate();
      }
      return;
    }
    StringBuilder sql =
        new StringBuilder("UPDATE ")
            .append(OutboxRows.OUTBOX)
            .append(" SET status = ")
            .append(OutboxRows.SENT)
            .append(", sent_at_ms = ?, attempts = attempts + 1, last_error = NULL WHERE id IN (");
    placeholders(sql, rows.size(), "?").append(')');
    try (PreparedStatement update = connection.prepareStatement(sql.toString())) {
      update.setLong(1, now);
      for (int i = 0; i < rows.size(); i++) {
        update.setLong(i + 2, rows.get(i).id);
      }
      update.executeUpdate();
    }
  }

  private void markAttemptFailed(Connection connection, List<Row> rows, Throwable failure, long now)
      throws SQLException {
    String reason = OutboxRows.reason(failure);
    try (PreparedStatement update =
        connection.prepareStatement(
            "UPDATE "
                + OutboxRows.OUTBOX
                + " SET status = ?, attempts = ?, next_attempt_ms = ?, last_error = ? WHERE id"
                + " = ?")) {
      for (Row row : rows) {
        int attempts = row.attempts + 1;
        boolean exhausted = attempts >= retryStrategy.maxAttempts();
        update.setInt(1, exhausted ? OutboxRows.FAILED : OutboxRows.PENDING);
        update.setInt(2, attempts);
        update.setLong(3, exhausted ? now : now + retryStrategy.delayAfter(attempts).toMillis());
        update.setString(
            4,
            exhausted
                ? OutboxRows.clip("all " + attempts + " attempts failed; the last: " + reason)
                : reason);
        update.setLong(5, row.id);
        update.addBatch();
        if (exhausted) {
          log.error(
              "relay {}: outbox event {} ({}) failed {} of {} attempts and is kept as failed: {}",
              name,
              row.stored.eventId(),
              row.stored.name(),
              attempts,
              retryStrategy.maxAttempts(),
              reason);
        }
      }
      update.executeBatch();
    }
  }

  private void markFailedNow(Connection connection, List<Row> rows, long now) throws SQLException {
    if (rows.isEmpty()) {
      return;
    }
    try (PreparedStatement update =
        connection.prepareStatement(
            "UPDATE "
                + OutboxRows.OUTBOX
                + " SET status = "
                + OutboxRows.FAILED
                + ", next_attempt_ms = ?, last_error = ? WHERE id = ?")) {
      for (Row row : rows) {
        update.setLong(1, now);
        update.setString(2, OutboxRows.clip(row.error));
        update.setLong(3, row.id);
        update.addBatch();
      }
      update.executeBatch();
    }
  }

  /** Appends {@code count} comma-separated copies of {@code placeholder}, e.g. {@code (?, ?)}. */
  private static StringBuilder placeholders(StringBuilder sql, int count, String placeholder) {
    for (int i = 0; i < count; i++) {
      sql.append(i == 0 ? "" : ", ").append(placeholder);
    }
    return sql;
  }

  /**
   * Stops polling and waits for the current batch, and the one in flight, to finish, for at most
   * twice the publish timeout plus five seconds, then interrupts them. Rows of an abandoned batch
   * stay pending and are shipped by the next relay.
   */
  @Override
  public void close() {
    worker.close();
  }

  /** What one poll did; {@code contended} when another relay held rows this one had to skip. */
  private record Poll(int claimed, int sent, boolean contended) {}

  /**
   * A claimed batch in its open transaction: what it claimed, the rows it ships, and the
   * acknowledgement of their publish, null until it started. Only the thread that claimed it
   * touches it.
   */
  private static final class Batch {
    final JdbcTransactions.Transaction transaction;

    /** The isolation level to restore when the connection goes back to the pool. */
    final int isolation;

    final List<Row> shipped = new ArrayList<>();
    final List<EventEnvelope> envelopes = new ArrayList<>();
    int claimed;
    boolean contended;
    CompletableFuture<Void> acknowledged;

    Batch(JdbcTransactions.Transaction transaction, int isolation) {
      this.transaction = transaction;
      this.isolation = isolation;
    }

    /** Whether it published events whose acknowledgement {@link #finish} waits for. */
    boolean publishing() {
      return acknowledged != null;
    }
  }

  /**
   * The rows a claim locked, in id order, before their order is checked; {@code oldestPending} is
   * the oldest pending row seen when the claim began.
   */
  private record HeadsClaim(List<Row> rows, long oldestPending, boolean contended) {}

  /** The claimed rows that may be shipped now, in id order, out of {@code claimed} locked. */
  private record Claim(List<Row> ready, int claimed, boolean contended) {}

  /** A claimed row; made an envelope only when it is shipped. */
  private static final class Row {
    final long id;
    final int attempts;
    final AggregateKey aggregate;
    final OutboxRows.StoredEvent stored;
    String error;

    private Row(long id, int attempts, OutboxRows.StoredEvent stored) {
      this.id = id;
      this.attempts = attempts;
      this.stored = stored;
      this.aggregate = AggregateKey.of(stored);
    }

    static Row read(ResultSet result) throws SQLException {
      return new Row(result.getLong(1), result.getInt(2), OutboxRows.readStored(result, 3));
    }

    /** The envelope to ship; its payload stays encoded when {@code keepEncoded} allows. */
    EventEnvelope envelope(EventCatalog catalog, PayloadCodec codec, boolean keepEncoded)
        throws OutboxRows.UndecodableEventException {
      return keepEncoded ? stored.encoded(catalog, codec) : stored.decode(catalog, codec);
    }
  }

  /** Configures an {@link OutboxRelay}. */
  public static final class Builder {
    private final DataSource dataSource;
    private final JdbcOutbox outbox;
    private int batchSize = 500;
    private Duration pollInterval = Duration.ofMillis(500);
    private RetryStrategy retryStrategy = RetryStrategy.interval(30, Duration.ofSeconds(20));
    private Duration publishTimeout = Duration.ofSeconds(60);
    private DomainEventInfra infra;
    private EventCatalog catalog;
    private String name = "outbox-relay";
    private Clock clock;
    private Consumer<List<EventEnvelope>> afterPublish;
    private boolean pipelining = true;

    private Builder(DataSource dataSource, JdbcOutbox outbox) {
      this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
      this.outbox = Objects.requireNonNull(outbox, "outbox");
      this.clock = outbox.clock();
    }

    /** Rows claimed per poll, 1 to 1000; default 500. */
    public Builder batchSize(int batchSize) {
      if (batchSize < 1 || batchSize > 1000) {
        throw new IllegalArgumentException("batchSize must be 1 to 1000, was " + batchSize);
      }
      this.batchSize = batchSize;
      return this;
    }

    /** How long an idle relay waits between polls, unless woken by a commit; default 500 ms. */
    public Builder pollInterval(Duration pollInterval) {
      Objects.requireNonNull(pollInterval, "pollInterval");
      if (pollInterval.isNegative() || pollInterval.isZero()) {
        throw new IllegalArgumentException("pollInterval must be positive, was " + pollInterval);
      }
      this.pollInterval = pollInterval;
      return this;
    }

    /**
     * How often a batch the infra did not acknowledge is tried; default 30 attempts 20 seconds
     * apart, so a broker outage of up to ten minutes loses nothing and fails nothing.
     */
    public Builder retryStrategy(RetryStrategy retryStrategy) {
      this.retryStrategy = Objects.requireNonNull(retryStrategy, "retryStrategy");
      return this;
    }

    /**
     * How long to wait for the infra's acknowledgement before counting a failed attempt; default 60
     * seconds. Keep it above the infra's own delivery timeout (Kafka's {@code delivery.timeout.ms},
     * two minutes by default, is better lowered to match).
     */
    public Builder publishTimeout(Duration publishTimeout) {
      Objects.requireNonNull(publishTimeout, "publishTimeout");
      if (publishTimeout.isNegative() || publishTimeout.isZero()) {
        throw new IllegalArgumentException(
            "publishTimeout must be positive, was " + publishTimeout);
      }
      this.publishTimeout = publishTimeout;
      return this;
    }

    /** Ships to {@code infra} instead of the one installed with {@code DomainEvents.install}. */
    public Builder infra(DomainEventInfra infra) {
      this.infra = Objects.requireNonNull(infra, "infra");
      return this;
    }

    /** Decodes with {@code catalog} instead of the installed one. */
    public Builder catalog(EventCatalog catalog) {
      this.catalog = Objects.requireNonNull(catalog, "catalog");
      return this;
    }

    /**
     * Whether a started relay claims and publishes its next batch while the current one is being
     * acknowledged, while a backlog lasts; default true. It then holds two connections at once:
     * turn it off when the relay's pool has only one.
     */
    public Builder pipelining(boolean pipelining) {
      this.pipelining = pipelining;
      return this;
    }

    /** Names the relay's thread and log lines; default {@code outbox-relay}. */
    public Builder name(String name) {
      this.name = Objects.requireNonNull(name, "name");
      return this;
    }

    Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Test hook: runs after the acknowledgement and before the rows are marked sent. */
    Builder afterPublish(Consumer<List<EventEnvelope>> afterPublish) {
      this.afterPublish = afterPublish;
      return this;
    }

    /** Builds the relay; {@link OutboxRelay#start()} starts it. */
    public OutboxRelay build() {
      return new OutboxRelay(this);
    }
  }
}
