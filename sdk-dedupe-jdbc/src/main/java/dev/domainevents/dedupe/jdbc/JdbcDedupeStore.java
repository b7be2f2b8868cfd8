package dev.domainevents.dedupe.jdbc;

import dev.domainevents.EventContext;
import dev.domainevents.spi.DedupeStore;
import dev.domainevents.spi.SqlScripts;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * A {@link DedupeStore} whose "seen" row is written in the handler's own JDBC transaction, so a
 * handler's database effects happen once however often Kafka (or any infra) redelivers the event.
 *
 * <p>For each delivery, {@link #handleOnce} takes a connection from the {@link DataSource}, opens a
 * transaction, inserts the row {@code (consumer group, event id, handled at)} first, then calls the
 * handler, and commits both together. If the row exists the event is a duplicate: the transaction
 * is rolled back and the handler not called. A concurrent delivery of the same event (after a
 * rebalance) waits on the row's unique key and then finds it, or fails and is retried later; it
 * never runs alongside. A handler failure rolls back its writes and the row alike, so a retry
 * handles the event afresh.
 *
 * <p>The handler writes through the transaction's connection, {@link #connection(EventContext)}:
 *
 * <pre>{@code
 * @EventHandler("Goods:Shopping")
 * void onShopping(GoodsObj goods, EventContext context) throws SQLException {
 *   Connection tx = JdbcDedupeStore.connection(context);
 *   try (PreparedStatement update = tx.prepareStatement("UPDATE stock SET ...")) { ... }
 * }
 * }</pre>
 *
 * It must not commit, roll back or close that connection (throw to roll back). Writes through any
 * other connection are not covered: they may repeat.
 *
 * <p>Rows older than the retention ({@link Builder#retention}, 7 days by default) are deleted by
 * {@link #purgeExpired()} or the cleaner of {@link #startCleaner}. A duplicate that arrives later
 * than that is handled again, so the retention must exceed the longest redelivery delay: consumer
 * downtime, retry-topic delays, a replay from the dead-letter topic.
 *
 * <p>Create the table with {@link #createTable} or apply {@link #ddl} through a migration tool.
 * Thread-safe.
 */
public final class JdbcDedupeStore implements DedupeStore {
  /** The table's name, as created by {@link #ddl}. */
  public static final String TABLE = "domain_event_dedupe";

  /** The longest consumer group name the table holds. */
  public static final int MAX_GROUP_LENGTH = 255;

  private static final String INSERT =
      "INSERT INTO " + TABLE + " (consumer_group, event_id, handled_at_ms) VALUES (?, ?, ?)";
  private static final String SELECT =
      "SELECT 1 FROM " + TABLE + " WHERE consumer_group = ? AND event_id = ?";
  private static final String DELETE_BEFORE = "DELETE FROM " + TABLE + " WHERE handled_at_ms < ?";

  /** The SQL dialects whose DDL ships with this module. */
  public enum Dialect {
    POSTGRESQL("postgresql"),
    MARIADB("mariadb"),
    H2("h2");

    private final String resource;

    Dialect(String file) {
      this.resource = "META-INF/domainevents/dedupe/" + file + ".sql";
    }

    /** The class-path resource of this dialect's DDL script. */
    public String ddlResource() {
      return resource;
    }
  }

  private final DataSource dataSource;
  private final Duration retention;
  private final Clock clock;

  private JdbcDedupeStore(Builder builder) {
    this.dataSource = builder.dataSource;
    this.retention = builder.retention;
    this.clock = builder.clock;
  }

  /** A store on {@code dataSource} with the default retention of 7 days. */
  public static JdbcDedupeStore create(DataSource dataSource) {
    return builder(dataSource).build();
  }

  /** A builder of a store on {@code dataSource}. */
  public static Builder builder(DataSource dataSource) {
    return new Builder(Objects.requireNonNull(dataSource, "dataSource"));
  }

  /**
   * The connection of the transaction that handles {@code context}'s event: the handler's writes
   * through it commit together with the event's dedupe row.
   *
   * @throws IllegalStateException if {@code context} is not one a {@code JdbcDedupeStore} passed to
   *     a handler (the infra was installed without this store, or the handler declares no {@code
   *     EventContext}), or if that handling is over
   */
  public static Connection connection(EventContext context) {
    Objects.requireNonNull(context, "context");
    if (!(context instanceof TransactionalContext transactional)) {
      throw new IllegalStateException(
          "JdbcDedupeStore.connection(context) was called with a "
              + context.getClass().getName()
              + ", not the context of a handler called through a JdbcDedupeStore: install the infra"
              + " with that store, e.g. KafkaInfra.builder().dedupeStore(JdbcDedupeStore.create(dataSource)),"
              + " and pass the handler's own EventContext");
    }
    return transactional.connection();
  }

  /**
   * Creates the table and its index on {@code connection}, in its current schema. Every statement
   * is {@code IF NOT EXISTS}, so creating twice is harmless. Commits if the connection is not in
   * auto-commit mode.
   */
  public static void createTable(Connection connection, Dialect dialect) throws SQLException {
    Objects.requireNonNull(connection, "connection");
    SqlScripts.run(connection, ddl(dialect));
  }

  /** The DDL script of {@code dialect}, as shipped in {@link Dialect#ddlResource()}. */
  public static String ddl(Dialect dialect) {
    Objects.requireNonNull(dialect, "dialect");
    return SqlScripts.read(JdbcDedupeStore.class, dialect.ddlResource());
  }

  @Override
  public boolean handleOnce(String consumerGroup, EventContext context, Handling handling)
      throws Exception {
    checkGroup(consumerGroup);
    Objects.requireNonNull(context, "context");
    Objects.requireNonNull(handling, "handling");
    try (Connection connection = dataSource.getConnection()) {
      boolean autoCommit = connection.getAutoCommit();
      if (autoCommit) {
        connection.setAutoCommit(false);
      }
      try {
        if (!insert(connection, consumerGroup, context.eventId())) {
          connection.rollback();
          return false;
        }
        TransactionalContext transactional = new TransactionalContext(context, connection);
        try {
          handling.handle(transactional);
        } finally {
          transactional.end();
        }
        if (connection.isClosed() || connection.getAutoCommit()) {
          throw new IllegalStateException(
              "the handler of "
                  + context.name()
                  + " "
                  + context.eventId()
                  + " closed the dedupe transaction's connection or switched it to auto-commit;"
                  + " its writes and the dedupe row may not be atomic. Throw to roll back instead");
        }
        connection.commit();
        return true;
      } catch (Throwable e) {
        rollback(connection, e);
        throw e;
      } finally {
        if (autoCommit && !connection.isClosed()) {
          connection.setAutoCommit(true);
        }
      }
    }
  }

  @Override
  public boolean contains(String consumerGroup, UUID eventId) {
    checkGroup(consumerGroup);
    Objects.requireNonNull(eventId, "eventId");
    try (Connection connection = dataSource.getConnection();
        PreparedStatement select = connection.prepareStatement(SELECT)) {
      select.setString(1, consumerGroup);
      select.setString(2, eventId.toString());
      try (ResultSet rows = select.executeQuery()) {
        return rows.next();
      }
    } catch (SQLException e) {
      throw new IllegalStateException("dedupe lookup failed: " + e, e);
    }
  }

  /**
   * Records the event as handled outside any handler transaction, e.g. to mark events handled by
   * other means; {@link #handleOnce} does not need it.
   */
  @Override
  public void add(String consumerGroup, UUID eventId) {
    checkGroup(consumerGroup);
    Objects.requireNonNull(eventId, "eventId");
    try (Connection connection = dataSource.getConnection()) {
      if (!connection.getAutoCommit()) {
        try {
          insert(connection, consumerGroup, eventId);
          connection.commit();
        } catch (SQLException | RuntimeException e) {
          rollback(connection, e);
          throw e;
        }
      } else {
        insert(connection, consumerGroup, eventId);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("dedupe insert failed: " + e, e);
    }
  }

  /**
   * Deletes the rows handled longer ago than the retention.
   *
   * @return how many rows were deleted
   */
  public int purgeExpired() throws SQLException {
    long cutoff = clock.millis() - retention.toMillis();
    try (Connection connection = dataSource.getConnection();
        PreparedStatement delete = connection.prepareStatement(DELETE_BEFORE)) {
      boolean autoCommit = connection.getAutoCommit();
      delete.setLong(1, cutoff);
      int deleted = delete.executeUpdate();
      if (!autoCommit) {
        connection.commit();
      }
      return deleted;
    }
  }

  /**
   * Starts a daemon thread that calls {@link #purgeExpired()} every {@code interval}, logging and
   * surviving failures. Close the returned handle to stop it.
   */
  public AutoCloseable startCleaner(Duration interval) {
    Objects.requireNonNull(interval, "interval");
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("interval must be positive, was " + interval);
    }
    return DedupeCleaner.start(this, interval);
  }

  /**
   * Inserts the row; {@code false} if it exists. SQLSTATE class 23 is an integrity constraint
   * violation in every dialect: here, only the primary key can be violated.
   */
  private boolean insert(Connection connection, String group, UUID eventId) throws SQLException {
    try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
      insert.setString(1, group);
      insert.setString(2, eventId.toString());
      insert.setLong(3, clock.millis());
      insert.executeUpdate();
      return true;
    } catch (SQLException e) {
      if (e.getSQLState() != null && e.getSQLState().startsWith("23")) {
        return false;
      }
      throw e;
    }
  }

  private static void rollback(Connection connection, Throwable cause) {
    try {
      if (!connection.isClosed() && !connection.getAutoCommit()) {
        connection.rollback();
      }
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }

  private static void checkGroup(String consumerGroup) {
    Objects.requireNonNull(consumerGroup, "consumerGroup");
    if (consumerGroup.isEmpty() || consumerGroup.length() > MAX_GROUP_LENGTH) {
      throw new IllegalArgumentException(
          "consumerGroup must have 1 to "
              + MAX_GROUP_LENGTH
              + " characters to fit the dedupe table, has "
              + consumerGroup.length());
    }
  }

  /** Options of a {@link JdbcDedupeStore}. */
  public static final class Builder {
    private final DataSource dataSource;
    private Duration retention = Duration.ofDays(7);
    private Clock clock = Clock.systemUTC();

    private Builder(DataSource dataSource) {
      this.dataSource = dataSource;
    }

    /** How long a handled event's row is kept by the cleaner; 7 days by default. */
    public Builder retention(Duration retention) {
      Objects.requireNonNull(retention, "retention");
      if (retention.isNegative() || retention.isZero()) {
        throw new IllegalArgumentException("retention must be positive, was " + retention);
      }
      this.retention = retention;
      return this;
    }

    /** The clock that stamps rows and ages them; the system's UTC clock by default. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Builds the store. */
    public JdbcDedupeStore build() {
      return new JdbcDedupeStore(this);
    }
  }
}
