package dev.domainevents.outbox;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Numbers committed outbox rows for the {@link DatabaseEventBus} ({@code bus_seq}), in id order,
 * under the lock of the one sequence row. Row ids are handed out at insert time, so a transaction
 * that commits late can make a smaller id visible after a larger one; numbering only what is
 * committed gives services a position that never skips a row.
 */
final class BusSequencer {
  static final String SEQUENCE = "domain_event_bus_sequence";

  /** Rows numbered per call: bounds the lock's duration. */
  private static final int BATCH = 1000;

  private static final String LOCK =
      "SELECT last_seq FROM " + SEQUENCE + " WHERE name = 'outbox' FOR UPDATE SKIP LOCKED";
  private static final String UNNUMBERED =
      "SELECT id FROM " + OutboxRows.OUTBOX + " WHERE bus_seq IS NULL ORDER BY id LIMIT " + BATCH;
  private static final String NUMBER =
      "UPDATE " + OutboxRows.OUTBOX + " SET bus_seq = ? WHERE id = ?";
  private static final String ADVANCE =
      "UPDATE " + SEQUENCE + " SET last_seq = ? WHERE name = 'outbox'";

  private BusSequencer() {}

  /**
   * Gives committed, unnumbered rows the next numbers, inside the caller's transaction; does
   * nothing while another instance is numbering.
   */
  static void sequence(Connection connection) throws SQLException {
    long last;
    try (PreparedStatement lock = connection.prepareStatement(LOCK);
        ResultSet row = lock.executeQuery()) {
      if (!row.next()) {
        return; // another instance is numbering right now
      }
      last = row.getLong(1);
    }
    List<Long> ids = new ArrayList<>();
    try (PreparedStatement select = connection.prepareStatement(UNNUMBERED);
        ResultSet rows = select.executeQuery()) {
      while (rows.next()) {
        ids.add(rows.getLong(1));
      }
    }
    if (ids.isEmpty()) {
      return;
    }
    try (PreparedStatement number = connection.prepareStatement(NUMBER);
        PreparedStatement advance = connection.prepareStatement(ADVANCE)) {
      for (long id : ids) {
        number.setLong(1, ++last);
        number.setLong(2, id);
        number.addBatch();
      }
      number.executeBatch();
      advance.setLong(1, last);
      advance.executeUpdate();
    }
  }

  /** The last number handed out, where a service that starts {@code NOW} begins. */
  static long lastNumber(Connection connection) throws SQLException {
    try (PreparedStatement select =
            connection.prepareStatement(
                "SELECT last_seq FROM " + SEQUENCE + " WHERE name = 'outbox'");
        ResultSet row = select.executeQuery()) {
      return row.next() ? row.getLong(1) : 0;
    }
  }
}
