-- Dedupe store of the Domain Events SDK (sdk-dedupe-jdbc), for PostgreSQL 10 or newer.
-- One row per (consumer group, event id) handled, written in the handler's own transaction.
-- Times are epoch milliseconds (BIGINT), like the outbox's. Statements end with ';' at a line end.
CREATE TABLE IF NOT EXISTS domain_event_dedupe (
  consumer_group  VARCHAR(255)  NOT NULL,
  event_id        VARCHAR(36)   NOT NULL,
  handled_at_ms   BIGINT        NOT NULL,
  PRIMARY KEY (consumer_group, event_id)
);
-- The cleaner deletes by age.
CREATE INDEX IF NOT EXISTS domain_event_dedupe_handled_at ON domain_event_dedupe (handled_at_ms);
