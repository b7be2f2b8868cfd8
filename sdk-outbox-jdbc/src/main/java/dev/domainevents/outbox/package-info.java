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
 *       dev.domainevents.outbox.OutboxFailures} lists, requeues or deletes events that used them
 *       up.
 *   <li>{@link dev.domainevents.outbox.OutboxCleaner} deletes done rows past the retention period.
 *   <li>{@link dev.domainevents.outbox.TransactionalMessages}: half messages with a checker.
 *   <li>{@link dev.domainevents.outbox.DatabaseEventBus}: named services consuming the table
 *       directly, each with its own position, retries and failures.
 * </ul>
 *
 * <p>Payloads are stored as JSON text by {@link dev.domainevents.json.JsonPayloadCodec}, or by the
 * {@link dev.domainevents.spi.PayloadCodec} you pass to {@code JdbcOutbox.create}; the payload type
 * is always looked up in the {@link dev.domainevents.spi.EventCatalog} by event name, never read
 * from the table.
 *
 * <h2>Schema</h2>
 *
 * <p>{@link dev.domainevents.outbox.OutboxSchema#create} creates the tables on PostgreSQL, H2 and
 * MariaDB from the DDL shipped in {@code META-INF/domainevents/outbox/} (see {@link
 * dev.domainevents.outbox.OutboxDialect}); {@link dev.domainevents.outbox.OutboxSchema#ddl} returns
 * it for a migration tool.
 */
package dev.domainevents.outbox;
