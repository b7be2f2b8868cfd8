package dev.domainevents.eventstore;

import dev.domainevents.spi.PayloadCodec;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** The snapshot table: one row per stream, replaced as the stream grows. */
final class SnapshotRows {
  private static final String SELECT =
      "SELECT stream_version, schema_version, state FROM domain_event_snapshot"
          + " WHERE aggregate_type = ? AND aggregate_id = ?";
  private static final String UPDATE =
      "UPDATE domain_event_snapshot SET stream_version = ?, schema_version = ?, state = ?"
          + " WHERE aggregate_type = ? AND aggregate_id = ?";
  private static final String INSERT =
      "INSERT INTO domain_event_snapshot"
          + " (stream_version, schema_version, state, aggregate_type, aggregate_id)"
          + " VALUES (?, ?, ?, ?, ?)";

  private SnapshotRows() {}

  /** One stored snapshot, as stored. */
  record Stored(long streamVersion, int schemaVersion, String state) {
    <S> S decode(PayloadCodec codec, Class<S> type) {
      return codec.decode(state.getBytes(StandardCharsets.UTF_8), type);
    }
  }

  static Stored find(Connection connection, StreamId stream) throws SQLException {
    try (PreparedStatement select = connection.prepareStatement(SELECT)) {
      select.setString(1, stream.aggregateType());
      select.setString(2, stream.aggregateId());
      try (ResultSet row = select.executeQuery()) {
        return row.next() ? new Stored(row.getLong(1), row.getInt(2), row.getString(3)) : null;
      }
    }
  }

  /** Replaces the stream's snapshot, or writes its first. */
  static void save(
      Connection connection, StreamId stream, long streamVersion, int schemaVersion, String state)
      throws SQLException {
    try (PreparedStatement update = connection.prepareStatement(UPDATE)) {
      bind(update, stream, streamVersion, schemaVersion, state);
      if (update.executeUpdate() == 1) {
        return;
      }
    }
    try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
      bind(insert, stream, streamVersion, schemaVersion, state);
      insert.executeUpdate();
    }
  }

  private static void bind(
      PreparedStatement statement,
      StreamId stream,
      long streamVersion,
      int schemaVersion,
      String state)
      throws SQLException {
    statement.setLong(1, streamVersion);
    statement.setInt(2, schemaVersion);
    statement.setString(3, state);
    statement.setString(4, stream.aggregateType());
    statement.setString(5, stream.aggregateId());
  }
}
