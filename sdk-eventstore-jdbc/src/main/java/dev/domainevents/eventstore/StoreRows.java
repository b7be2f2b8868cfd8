package dev.domainevents.eventstore;

import dev.domainevents.EventEnvelope;
import dev.domainevents.EventType;
import dev.domainevents.spi.EventCatalog;
import dev.domainevents.spi.PayloadCodec;
import dev.domainevents.spi.Upcasting;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/** The store table's columns and their mapping to envelopes, in one place. */
final class StoreRows {
  static final String TABLE = "domain_event_store";

  /** The columns an append writes, in the order {@link #bind} binds them. */
  static final String INSERT_COLUMNS =
      "aggregate_type, aggregate_id, stream_version, event_id, event_name, payload, headers,"
          + " occurred_at_ms, correlation_id, causation_id, schema_version";

  static final int INSERT_COLUMN_COUNT = 11;

  /** The columns {@link #read} reads; the position is 0 while the event is not numbered. */
  static final String SELECT_COLUMNS =
      "COALESCE(global_position, 0), stream_version, event_id, event_name, aggregate_type,"
          + " aggregate_id, payload, headers, occurred_at_ms, correlation_id, causation_id,"
          + " schema_version";

  /** Most headers one stored event may carry: bounds what a read decodes. */
  private static final int MAX_HEADERS = 256;

  private StoreRows() {}

  /** Encodes the payload or headers as the UTF-8 text their columns hold. */
  static String encode(PayloadCodec codec, EventEnvelope event, Object value, String what) {
    try {
      byte[] bytes = codec.encode(value);
      if (bytes == null) {
        throw new IllegalArgumentException("the PayloadCodec returned null");
      }
      return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException(
          "cannot store the "
              + what
              + " of "
              + event.name()
              + " ("
              + event.eventId()
              + "): the PayloadCodec wrote bytes that are not UTF-8 text",
          e);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "cannot encode the "
              + what
              + " of "
              + event.name()
              + " ("
              + event.eventId()
              + ") with "
              + codec.getClass().getName()
              + ": "
              + e.getMessage(),
          e);
    }
  }

  /** Binds one event's insert columns starting at parameter {@code first}. */
  static void bind(
      PreparedStatement insert,
      int first,
      EventEnvelope event,
      long streamVersion,
      String payload,
      String headers)
      throws SQLException {
    int i = first;
    insert.setString(i++, event.aggregateType());
    insert.setString(i++, event.aggregateId());
    insert.setLong(i++, streamVersion);
    insert.setString(i++, event.eventId().toString());
    insert.setString(i++, event.name());
    insert.setString(i++, payload);
    insert.setString(i++, headers);
    insert.setLong(i++, event.occurredAt().toEpochMilli());
    insert.setString(i++, event.correlationId());
    if (event.causationId() == null) {
      insert.setNull(i++, Types.VARCHAR);
    } else {
      insert.setString(i++, event.causationId());
    }
    insert.setInt(i, event.schemaVersion());
  }

  /**
   * Reads and decodes the row {@link #SELECT_COLUMNS} selected. The payload type comes from the
   * catalog, by event name, never from the row; a payload stored with an older schema version is
   * upcast, and the envelope carries the current version.
   *
   * @throws IllegalStateException if the catalog does not know the event or its payload does not
   *     decode; the row stays as it is
   */
  static RecordedEvent read(ResultSet row, EventCatalog catalog, PayloadCodec codec)
      throws SQLException {
    long position = row.getLong(1);
    long streamVersion = row.getLong(2);
    String eventId = row.getString(3);
    String name = row.getString(4);
    int schemaVersion = row.getInt(12);
    EventType<?> type = catalog.find(name);
    if (type == null) {
      throw new IllegalStateException(
          undecodable(position, name, eventId)
              + ": no registered event has this name; add the module that raises it");
    }
    Object payload;
    Map<String, String> headers;
    try {
      // An older schema version goes through the catalog's @Upcaster chain, as on every infra; a
      // newer one is refused, never misread.
      payload =
          Upcasting.decode(
              codec,
              catalog,
              type,
              schemaVersion,
              row.getString(7).getBytes(StandardCharsets.UTF_8));
      headers = decodeHeaders(codec, row.getString(8));
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          undecodable(position, name, eventId) + ": " + e.getMessage(), e);
    }
    EventEnvelope envelope =
        new EventEnvelope(
            UUID.fromString(eventId),
            name,
            row.getString(5),
            row.getString(6),
            payload,
            headers,
            Instant.ofEpochMilli(row.getLong(9)),
            row.getString(10),
            row.getString(11),
            type.schemaVersion()); // upcast, if it was older: the payload is the current version
    return new RecordedEvent(position, streamVersion, envelope);
  }

  private static Map<String, String> decodeHeaders(PayloadCodec codec, String text) {
    Map<?, ?> raw = codec.decode(text.getBytes(StandardCharsets.UTF_8), Map.class);
    if (raw.size() > MAX_HEADERS) {
      throw new IllegalStateException(
          "it has " + raw.size() + " headers, more than the " + MAX_HEADERS + " allowed");
    }
    Map<String, String> headers = new LinkedHashMap<>();
    for (Map.Entry<?, ?> header : raw.entrySet()) {
      if (!(header.getKey() instanceof String key)
          || !(header.getValue() instanceof String value)) {
        throw new IllegalStateException("its headers are not a map of strings to strings");
      }
      headers.put(key, value);
    }
    return headers;
  }

  private static String undecodable(long position, String name, String eventId) {
    return "cannot read the stored event "
        + name
        + " ("
        + eventId
        + ", global position "
        + position
        + ")";
  }
}
