/**
 * The transactional outbox: events stored in the business transaction with plain JDBC, and shipped
 * from there by a relay.
 *
 * <ul>
 *   <li>{@link dev.domainevents.outbox.JdbcOutbox} writes entities' events on the caller's {@link
 *       java.sql.Connection}, in the caller's transaction: a rollback leaves no event, a commit
 *       makes them visible to the relay.
 *   <li>{@link dev.domainevents.outbox.OutboxRelay} ships committed events to the installed infra
 *       (Kafka), marks them sent after the acknowledgement, keeps order per aggregate, and runs as
 *       several instances at once ({@code FOR UPDATE SKIP LOCKED}).
 *   <li>{@link dev.domainevents.outbox.RetryStrategy}: a limit, a fixed interval, or a custom list
 *       of intervals, each making exactly its configured number of attempts; {@link
 *       dev.domainevents.outbox.OutboxFailures} lists and requeues events that used them up.
 *   <li>{@link dev.domainevents.outbox.OutboxCleaner} deletes done rows past the retention period.
 *   <li>{@link dev.domainevents.outbox.TransactionalMessages}: half messages with a checker.
 *   <li>{@link dev.domainevents.outbox.DatabaseEventBus}: named services consuming the table
 *       directly, each with its own position, retries and failures.
 * </ul>
 *
 * <p>Payloads are stored as text by a {@link dev.domainevents.outbox.PayloadCodec} that you
 * provide; the payload type is always looked up in the {@link dev.domainevents.spi.EventCatalog} by
 * event name, never read from the table.
 *
 * <h2>Schema</h2>
 *
 * <p>{@link dev.domainevents.outbox.OutboxSchema#create} creates the tables on PostgreSQL and H2
 * from the DDL shipped in {@code META-INF/domainevents/outbox/}. For MySQL 8.0+ and MariaDB 10.6+,
 * create them with the DDL below (applied to MariaDB 10.11 by hand). The build tests the runtime's
 * SQL on PostgreSQL and H2 only.
 *
 * <pre>
 * -- MySQL 8.0+ / MariaDB 10.6+: the tables of postgresql.sql.
 * CREATE TABLE IF NOT EXISTS domain_event_outbox (
 *   id              BIGINT        NOT NULL AUTO_INCREMENT PRIMARY KEY,
 *   event_id        VARCHAR(36)   NOT NULL,
 *   event_name      VARCHAR(255)  NOT NULL,
 *   aggregate_type  VARCHAR(255)  NOT NULL,
 *   aggregate_id    VARCHAR(255)  NOT NULL,
 *   payload         LONGTEXT      NOT NULL,
 *   headers         TEXT          NOT NULL,
 *   occurred_at_ms  BIGINT        NOT NULL,
 *   correlation_id  VARCHAR(255)  NOT NULL,
 *   causation_id    VARCHAR(255),
 *   schema_version  INT           NOT NULL,
 *   status          SMALLINT      NOT NULL,
 *   attempts        INT           NOT NULL,
 *   next_attempt_ms BIGINT        NOT NULL,
 *   last_error      VARCHAR(2000),
 *   created_at_ms   BIGINT        NOT NULL,
 *   sent_at_ms      BIGINT,
 *   bus_seq         BIGINT,
 *   UNIQUE KEY domain_event_outbox_event_id (event_id),
 *   KEY domain_event_outbox_status (status, id),
 *   KEY domain_event_outbox_aggregate (aggregate_type, aggregate_id, id),
 *   UNIQUE KEY domain_event_outbox_bus_seq (bus_seq)
 * ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
 *
 * CREATE TABLE IF NOT EXISTS domain_event_transaction (
 *   id              BIGINT        NOT NULL AUTO_INCREMENT PRIMARY KEY,
 *   status          SMALLINT      NOT NULL,
 *   created_at_ms   BIGINT        NOT NULL,
 *   check_at_ms     BIGINT        NOT NULL,
 *   check_attempts  INT           NOT NULL,
 *   last_error      VARCHAR(2000),
 *   KEY domain_event_transaction_check (status, check_at_ms)
 * ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
 *
 * CREATE TABLE IF NOT EXISTS domain_event_held (
 *   transaction_id  BIGINT        NOT NULL,
 *   seq             INT           NOT NULL,
 *   event_id        VARCHAR(36)   NOT NULL,
 *   event_name      VARCHAR(255)  NOT NULL,
 *   aggregate_type  VARCHAR(255)  NOT NULL,
 *   aggregate_id    VARCHAR(255)  NOT NULL,
 *   payload         LONGTEXT      NOT NULL,
 *   headers         TEXT          NOT NULL,
 *   occurred_at_ms  BIGINT        NOT NULL,
 *   correlation_id  VARCHAR(255)  NOT NULL,
 *   causation_id    VARCHAR(255),
 *   schema_version  INT           NOT NULL,
 *   PRIMARY KEY (transaction_id, seq),
 *   FOREIGN KEY (transaction_id) REFERENCES domain_event_transaction (id) ON DELETE CASCADE
 * ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
 *
 * CREATE TABLE IF NOT EXISTS domain_event_bus_sequence (
 *   name            VARCHAR(64)   NOT NULL PRIMARY KEY,
 *   last_seq        BIGINT        NOT NULL
 * ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
 *
 * CREATE TABLE IF NOT EXISTS domain_event_bus_service (
 *   name            VARCHAR(100)  NOT NULL PRIMARY KEY,
 *   consumed_seq    BIGINT        NOT NULL,
 *   created_at_ms   BIGINT        NOT NULL,
 *   updated_at_ms   BIGINT        NOT NULL
 * ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
 *
 * CREATE TABLE IF NOT EXISTS domain_event_bus_retry (
 *   service         VARCHAR(100)  NOT NULL,
 *   bus_seq         BIGINT        NOT NULL,
 *   status          SMALLINT      NOT NULL,
 *   attempts        INT           NOT NULL,
 *   next_attempt_ms BIGINT        NOT NULL,
 *   last_error      VARCHAR(2000),
 *   PRIMARY KEY (service, bus_seq),
 *   KEY domain_event_bus_retry_due (service, status, next_attempt_ms)
 * ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
 *
 * INSERT IGNORE INTO domain_event_bus_sequence (name, last_seq) VALUES ('outbox', 0);
 * </pre>
 */
package dev.domainevents.outbox;
