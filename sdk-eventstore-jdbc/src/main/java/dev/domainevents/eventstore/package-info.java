/**
 * An event store on plain JDBC: {@link dev.domainevents.eventstore.JdbcEventStore} appends events
 * to streams with an expected version and reads them back by stream or from a gap-free global log.
 */
package dev.domainevents.eventstore;
