-- Transactional outbox of the Domain Events SDK, for MariaDB 10.6 or newer (InnoDB, utf8mb4).
-- MySQL 8.0 accepts the same statements, but this module's build tests them on MariaDB only.
-- Times are epoch milliseconds (BIGINT), so that relays on different hosts and databases in any
-- time zone compare them the same way. Statements are separated by ';' at the end of a line.

-- One row per event, written in the business transaction. The relay ships rows in id order.
CREATE TABLE IF NOT EXISTS domain_event_outbox (
  id              BIGINT        NOT NULL AUTO_INCREMENT PRIMARY KEY,
  event_id        VARCHAR(36)   NOT NULL,
  event_name      VARCHAR(255)  NOT NULL,
  aggregate_type  VARCHAR(255)  NOT NULL,
  aggregate_id    VARCHAR(255)  NOT NULL,
  payload         LONGTEXT      NOT NULL,
  headers         TEXT          NOT NULL,
  occurred_at_ms  BIGINT        NOT NULL,
  correlation_id  VARCHAR(255)  NOT NULL,
  causation_id    VARCHAR(255),
  schema_version  INT           NOT NULL,
  -- 0 pending, 1 sent, 2 failed (attempts used up; requeue with OutboxFailures)
  status          SMALLINT      NOT NULL,
  attempts        INT           NOT NULL,
  next_attempt_ms BIGINT        NOT NULL,
  last_error      VARCHAR(2000),
  created_at_ms   BIGINT        NOT NULL,
  sent_at_ms      BIGINT,
  -- the commit-ordered position the database event bus reads by; assigned after commit
  bus_seq         BIGINT,
  UNIQUE KEY domain_event_outbox_event_id (event_id),
  KEY domain_event_outbox_status (status, id),
  KEY domain_event_outbox_aggregate (aggregate_type, aggregate_id, id),
  UNIQUE KEY domain_event_outbox_bus_seq (bus_seq)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Transactional (half) messages: held events, released to the outbox on commit.
CREATE TABLE IF NOT EXISTS domain_event_transaction (
  id              BIGINT        NOT NULL AUTO_INCREMENT PRIMARY KEY,
  -- 0 held, 2 failed (the checker could not decide within its attempts)
  status          SMALLINT      NOT NULL,
  created_at_ms   BIGINT        NOT NULL,
  check_at_ms     BIGINT        NOT NULL,
  check_attempts  INT           NOT NULL,
  last_error      VARCHAR(2000),
  KEY domain_event_transaction_check (status, check_at_ms)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
CREATE TABLE IF NOT EXISTS domain_event_held (
  transaction_id  BIGINT        NOT NULL,
  seq             INT           NOT NULL,
  event_id        VARCHAR(36)   NOT NULL,
  event_name      VARCHAR(255)  NOT NULL,
  aggregate_type  VARCHAR(255)  NOT NULL,
  aggregate_id    VARCHAR(255)  NOT NULL,
  payload         LONGTEXT      NOT NULL,
  headers         TEXT          NOT NULL,
  occurred_at_ms  BIGINT        NOT NULL,
  correlation_id  VARCHAR(255)  NOT NULL,
  causation_id    VARCHAR(255),
  schema_version  INT           NOT NULL,
  PRIMARY KEY (transaction_id, seq),
  FOREIGN KEY (transaction_id) REFERENCES domain_event_transaction (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Database event bus: one row per consuming service, and its retries and failures.
CREATE TABLE IF NOT EXISTS domain_event_bus_sequence (
  name            VARCHAR(64)   NOT NULL PRIMARY KEY,
  last_seq        BIGINT        NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
CREATE TABLE IF NOT EXISTS domain_event_bus_service (
  name            VARCHAR(100)  NOT NULL PRIMARY KEY,
  consumed_seq    BIGINT        NOT NULL,
  created_at_ms   BIGINT        NOT NULL,
  updated_at_ms   BIGINT        NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
CREATE TABLE IF NOT EXISTS domain_event_bus_retry (
  service         VARCHAR(100)  NOT NULL,
  bus_seq         BIGINT        NOT NULL,
  -- 0 waiting for a retry, 2 failed (attempts used up; requeue with DatabaseEventBus)
  status          SMALLINT      NOT NULL,
  attempts        INT           NOT NULL,
  next_attempt_ms BIGINT        NOT NULL,
  last_error      VARCHAR(2000),
  PRIMARY KEY (service, bus_seq),
  KEY domain_event_bus_retry_due (service, status, next_attempt_ms)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
INSERT IGNORE INTO domain_event_bus_sequence (name, last_seq) VALUES ('outbox', 0);
