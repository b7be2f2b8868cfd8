-- Event store of the Domain Events SDK, for MariaDB 10.6 or newer (InnoDB, utf8mb4).
-- Times are epoch milliseconds (BIGINT). Statements are separated by ';' at the end of a line.

-- One row per event. The unique (aggregate_type, aggregate_id, stream_version) constraint is what
-- lets exactly one of two writers of a stream append at an expected version. global_position is
-- NULL until the event is committed and numbered (see GlobalSequencer): numbering only committed
-- rows, under one lock, makes the global log gap-free in commit order.
CREATE TABLE IF NOT EXISTS domain_event_store (
  id              BIGINT        NOT NULL AUTO_INCREMENT PRIMARY KEY,
  global_position BIGINT,
  aggregate_type  VARCHAR(255)  NOT NULL,
  aggregate_id    VARCHAR(255)  NOT NULL,
  stream_version  BIGINT        NOT NULL,
  event_id        VARCHAR(36)   NOT NULL,
  event_name      VARCHAR(255)  NOT NULL,
  payload         LONGTEXT      NOT NULL,
  headers         LONGTEXT      NOT NULL,
  occurred_at_ms  BIGINT        NOT NULL,
  correlation_id  VARCHAR(255)  NOT NULL,
  causation_id    VARCHAR(255),
  schema_version  INT           NOT NULL,
  UNIQUE KEY domain_event_store_stream (aggregate_type, aggregate_id, stream_version),
  UNIQUE KEY domain_event_store_event_id (event_id),
  UNIQUE KEY domain_event_store_position (global_position)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- The last global position handed out, in one row whose lock numbers events one batch at a time.
CREATE TABLE IF NOT EXISTS domain_event_store_sequence (
  name            VARCHAR(64)   NOT NULL PRIMARY KEY,
  last_position   BIGINT        NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
INSERT IGNORE INTO domain_event_store_sequence (name, last_position) VALUES ('global', 0);

-- The latest snapshot of each stream: the state as JSON, the stream version it includes, and the
-- snapshot schema version it was written with (an older one is ignored and the stream replayed).
CREATE TABLE IF NOT EXISTS domain_event_snapshot (
  aggregate_type  VARCHAR(255)  NOT NULL,
  aggregate_id    VARCHAR(255)  NOT NULL,
  stream_version  BIGINT        NOT NULL,
  schema_version  INT           NOT NULL,
  state           LONGTEXT      NOT NULL,
  PRIMARY KEY (aggregate_type, aggregate_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- The global position each projection has applied, advanced in the read model's transaction.
CREATE TABLE IF NOT EXISTS domain_event_projection (
  name            VARCHAR(100)  NOT NULL PRIMARY KEY,
  applied_position BIGINT       NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
