package dev.domainevents.outbox;

import dev.domainevents.spi.JdbcTransactions;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes outbox rows that are done and older than the retention period, on a schedule. Pending and
 * failed rows are never deleted, however old.
 *
 * <p>A row is done when the relay sent it ({@link Builder#relayed}, the default) and/or when every
 * service of the {@link DatabaseEventBus} consumed it and none keeps it for a retry or as failed
 * ({@link Builder#consumedByBus}). Use both when the relay and the bus read the same table.
 *
 * <pre>{@code
 * OutboxCleaner cleaner = OutboxCleaner.builder(dataSource)
 *     .retention(Duration.ofDays(7))
 *     .interval(Duration.ofHours(1))
 *     .build()
 *     .start();
 * }</pre>
 */
public final class OutboxCleaner implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(OutboxCleaner.class);

  private final DataSource dataSource;
  private final long retentionMillis;
  private final long intervalMillis;
  private final int batchSize;
  private final Clock clock;
  private final String selectSql;
  private final boolean relayed;
  private final int parameterCount;
  private ScheduledExecutorService scheduler;

  private OutboxCleaner(Builder builder) {
    this.dataSource = builder.dataSource;
    this.retentionMillis = builder.retention.toMillis();
    this.intervalMillis = builder.interval.toMillis();
    this.batchSize = builder.batchSize;
    this.clock = builder.clock;
    this.relayed = builder.relayed;
    this.parameterCount = (builder.relayed ? 1 : 0) + (builder.consumedByBus ? 1 : 0);
    StringBuilder where = new StringBuilder();
    if (builder.relayed) {
      where.append("o.status = ").append(OutboxRows.SENT).append(" AND o.sent_at_ms < ?");
    }
    if (builder.consumedByBus) {
      if (where.length() > 0) {
        where.append(" AND ");
      }
      where
          .append("o.created_at_ms < ? AND o.bus_seq IS NOT NULL")
          .append(" AND o.bus_seq <= (SELECT COALESCE(MIN(s.consumed_seq), 0)")
          .append(" FROM domain_event_bus_service s)")
          .append(" AND NOT EXISTS (SELECT 1 FROM domain_event_bus_retry r")
          .append(" WHERE r.bus_seq = o.bus_seq)");
    }
    // Select, then delete by id: MySQL and MariaDB reject LIMIT in an IN subquery, and a
    // subquery on the table being deleted from.
    this.selectSql =
        "SELECT o.id FROM "
            + OutboxRows.OUTBOX
            + " o WHERE "
            + where
            + " ORDER BY o.id LIMIT "
            + batchSize;
  }

  /** Starts building a cleaner for the outbox reached through {@code dataSource}. */
  public static Builder builder(DataSource dataSource) {
    return new Builder(dataSource);
  }

  /**
   * Deletes every done row older than the retention period, in batches, each in its own transaction
   * so that no lock is held for long.
   *
   * @return the number of rows deleted
   */
  public int deleteExpired() throws SQLException {
    long cutoff = clock.millis() - retentionMillis;
    return JdbcTransactions.run(
        dataSource,
        connection -> {
          int deleted = 0;
          try (PreparedStatement select = connection.prepareStatement(selectSql);
              PreparedStatement delete =
                  connection.prepareStatement(
                      "DELETE FROM " + OutboxRows.OUTBOX + " WHERE id = ?")) {
            for (int i = 1; i <= parameterCount; i++) {
              select.setLong(i, cutoff);
            }
            int batch;
            do {
              batch = 0;
              try (ResultSet ids = select.executeQuery()) {
                while (ids.next()) {
                  delete.setLong(1, ids.getLong(1));
                  delete.addBatch();
                  batch++;
                }
              }
              if (batch > 0) {
                delete.executeBatch();
              }
              connection.commit(); // one short transaction per batch
              deleted += batch;
            } while (batch >= batchSize);
          }
          return deleted;
        });
  }

  /** Runs {@link #deleteExpired} now and then every interval, on a daemon thread. */
  @SuppressWarnings(
      "FutureReturnValueIgnored") // the task is stopped by shutting the scheduler down in close()
  public synchronized OutboxCleaner start() {
    if (scheduler != null) {
      throw new IllegalStateException("the cleaner is already started");
    }
    scheduler =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, "outbox-cleaner");
              thread.setDaemon(true);
              return thread;
            });
    scheduler.scheduleWithFixedDelay(this::clean, 0, intervalMillis, TimeUnit.MILLISECONDS);
    return this;
  }

  private void clean() {
    try {
      int deleted = deleteExpired();
      if (deleted > 0) {
        log.info(
            "deleted {} {} outbox rows older than {} ms",
            deleted,
            relayed ? "sent" : "consumed",
            retentionMillis);
      }
    } catch (Exception | Error e) {
      // Caught so that the schedule survives: an escaping throwable would end it silently.
      log.warn("cleaning the outbox failed; trying again in {} ms", intervalMillis, e);
    }
  }

  /** Stops the schedule; a running deletion finishes its batch. */
  @Override
  public synchronized void close() {
    if (scheduler != null) {
      scheduler.shutdownNow();
      scheduler = null;
    }
  }

  /** Configures an {@link OutboxCleaner}. */
  public static final class Builder {
    private final DataSource dataSource;
    private Duration retention = Duration.ofDays(7);
    private Duration interval = Duration.ofHours(1);
    private int batchSize = 1000;
    private boolean relayed = true;
    private boolean consumedByBus;
    private Clock clock = Clock.systemUTC();

    private Builder(DataSource dataSource) {
      this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /** How long done rows are kept; default seven days. */
    public Builder retention(Duration retention) {
      Objects.requireNonNull(retention, "retention");
      if (retention.isNegative()) {
        throw new IllegalArgumentException("retention must not be negative, was " + retention);
      }
      this.retention = retention;
      return this;
    }

    /** How often the cleaner runs once started; default hourly. */
    public Builder interval(Duration interval) {
      Objects.requireNonNull(interval, "interval");
      if (interval.isNegative() || interval.isZero()) {
        throw new IllegalArgumentException("interval must be positive, was " + interval);
      }
      this.interval = interval;
      return this;
    }

    /** Rows deleted per transaction; default 1000. */
    public Builder batchSize(int batchSize) {
      if (batchSize < 1) {
        throw new IllegalArgumentException("batchSize must be >= 1, was " + batchSize);
      }
      this.batchSize = batchSize;
      return this;
    }

    /** Whether a row must have been sent by the relay to be deleted; default true. */
    public Builder relayed(boolean relayed) {
      this.relayed = relayed;
      return this;
    }

    /**
     * Whether a row must have been consumed by every {@link DatabaseEventBus} service to be
     * deleted; default false.
     */
    public Builder consumedByBus(boolean consumedByBus) {
      this.consumedByBus = consumedByBus;
      return this;
    }

    Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Builds the cleaner; {@link OutboxCleaner#start()} schedules it. */
    public OutboxCleaner build() {
      if (!relayed && !consumedByBus) {
        throw new IllegalStateException(
            "the cleaner must require rows to be relayed, consumed by the bus, or both");
      }
      return new OutboxCleaner(this);
    }
  }
}
