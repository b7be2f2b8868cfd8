package dev.domainevents.eventstore;

import dev.domainevents.spi.JdbcTransactions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import javax.sql.DataSource;

/**
 * Numbers committed events with their global position, in id order, under the lock of the one
 * sequence row, in a transaction of its own.
 *
 * <p>Why not number at insert time: an identity or sequence value is handed out when a row is
 * inserted, so a transaction that commits late makes a smaller number visible after a reader has
 * passed it, and a reader that skips it loses the event (the late-commit gap). Numbering only rows
 * that are already committed, and committing each batch of numbers before the next one starts,
 * gives a log that only ever grows at its end: a reader that has read up to {@code p} never sees a
 * new event at or below {@code p}, rolled-back events never get a number, and a transaction held
 * open only delays its own events, never anyone else's.
 */
final class GlobalSequencer {
  /** Events numbered per transaction: bounds how long the sequence row stays locked. */
  static final int BATCH = 1000;

  private static final String LOCK =
      "SELECT last_position FROM domain_event_store_sequence WHERE name = 'global'"
          + " FOR UPDATE SKIP LOCKED";
  private static final String UNNUMBERED =
      "SELECT id FROM "
          + StoreRows.TABLE
          + " WHERE global_position IS NULL ORDER BY id LIMIT "
          + BATCH;
  private static final String NUMBER =
      "UPDATE " + StoreRows.TABLE + " SET global_position = ? WHERE id = ?";
  private static final String ADVANCE =
      "UPDATE domain_event_store_sequence SET last_position = ? WHERE name = 'global'";

  private final DataSource dataSource;

  GlobalSequencer(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /**
   * Numbers the committed, unnumbered events, up to {@link #BATCH} of them, and commits. Does
   * nothing while another reader is numbering; its numbers become visible when it commits.
   *
   * @return how many events this call numbered
   */
  int sequence() throws SQLException {
    // Read committed: under MariaDB's default repeatable read, a snapshot older than the lock
    // would show rows as unnumbered that another reader numbered meanwhile.
    return JdbcTransactions.<Integer, SQLException>run(
        dataSource, Connection.TRANSACTION_READ_COMMITTED, GlobalSequencer::sequence);
  }

  private static int sequence(Connection connection) throws SQLException {
    long last;
    try (PreparedStatement lock = connection.prepareStatement(LOCK);
        ResultSet row = lock.executeQuery()) {
      if (!row.next()) {
        return 0; // another reader holds the lock and is numbering right now
      }
      last = row.getLong(1);
    }
    long[] ids = new long[BATCH];
    int count = 0;
    try (PreparedStatement select = connection.prepareStatement(UNNUMBERED);
        ResultSet rows = select.executeQuery()) {
      while (rows.next()) {
        ids[count++] = rows.getLong(1);
      }
    }
    if (count == 0) {
      return 0;
    }
    try (PreparedStatement number = connection.prepareStatement(NUMBER);
        PreparedStatement advance = connection.prepareStatement(ADVANCE)) {
      for (long id : Arrays.copyOf(ids, count)) {
        number.setLong(1, ++last);
        number.setLong(2, id);
        number.addBatch();
      }
      number.executeBatch();
      advance.setLong(1, last);
      advance.executeUpdate();
    }
    return count;
  }
}
