package dev.domainevents.outbox;

import dev.domainevents.EventEnvelope;
import dev.domainevents.EventType;
import dev.domainevents.spi.EncodedPayload;
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
import java.util.UUID;

/** The envelope columns shared by the outbox and the held-events tables, and their mapping. */
final class OutboxRows {
  static final String OUTBOX = "domain_event_outbox";

  /** The envelope's columns, in the order {@link #bindEnvelope} and {@link #readStored} use. */
  static final String ENVELOPE_COLUMNS =
      "event_id, event_name, aggregate_type, aggregate_id, payload, headers, occurred_at_ms,"
          + " correlation_id, causation_id, schema_version";

  static final int ENVELOPE_COLUMN_COUNT = 10;

  /** Row status: waiting to be shipped (or retried). */
  static final int PENDING = 0;

  /** Row status: acknowledged by the infra. */
  static final int SENT = 1;

  /** Row status: attempts used up, or undecodable; kept with the reason. */
  static final int FAILED = 2;

  /** Longest reason kept in a {@code last_error} column. */
  static final int MAX_ERROR_LENGTH = 2000;

  private OutboxRows() {}

  /** The envelope columns, each prefixed with a table alias such as {@code "o."}. */
  static String prefixedEnvelopeColumns(String prefix) {
    StringBuilder out = new StringBuilder();
    for (String column : ENVELOPE_COLUMNS.split(",")) {
      if (out.length() > 0) {
        out.append(", ");
      }
      out.append(prefix).append(column.strip());
    }
    return out.toString();
  }

  /**
   * Encodes the payload as the text the payload column holds, failing with a message that names the
   * event. The columns are text, so the codec's bytes must be UTF-8, as JSON is.
   */
  static String encodePayload(PayloadCodec codec, EventEnvelope event) {
    try {
      byte[] bytes = codec.encode(event.payload());
      if (bytes == null) {
        throw new IllegalArgumentException("the PayloadCodec returned null");
      }
      try {
        return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
      } catch (CharacterCodingException e) {
        throw new IllegalArgumentException(
            "the PayloadCodec wrote bytes that are not UTF-8 text, which the outbox's text columns"
                + " need");
      }
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "cannot encode the payload of "
              + event.name()
              + " ("
              + event.eventId()
              + ", "
              + event.payload().getClass().getName()
              + ") with "
              + codec.getClass().getName()
              + ": "
              + e.getMessage(),
          e);
    }
  }

  /** Binds the envelope columns starting at parameter {@code first}. */
  static void bindEnvelope(
      PreparedStatement statement, int first, EventEnvelope event, String payload)
      throws SQLException {
    int i = first;
    statement.setString(i++, event.eventId().toString());
    statement.setString(i++, event.name());
    statement.setString(i++, event.aggregateType());
    statement.setString(i++, event.aggregateId() == null ? "" : event.aggregateId());
    statement.setString(i++, payload);
    statement.setString(i++, HeaderText.encode(event.headers()));
    statement.setLong(i++, event.occurredAt().toEpochMilli());
    statement.setString(i++, event.correlationId());
    if (event.causationId() == null) {
      statement.setNull(i++, Types.VARCHAR);
    } else {
      statement.setString(i++, event.causationId());
    }
    statement.setInt(i, event.schemaVersion());
  }

  /** Reads the envelope columns starting at column {@code first}, without decoding them. */
  static StoredEvent readStored(ResultSet row, int first) throws SQLException {
    int i = first;
    return new StoredEvent(
        row.getString(i++),
        row.getString(i++),
        row.getString(i++),
        row.getString(i++),
        row.getString(i++),
        row.getString(i++),
        row.getLong(i++),
        row.getString(i++),
        row.getString(i++),
        row.getInt(i));
  }

  /** The envelope columns of one row, as stored. */
  record StoredEvent(
      String eventId,
      String name,
      String aggregateType,
      String aggregateId,
      String payload,
      String headers,
      long occurredAtMillis,
      String correlationId,
      String causationId,
      int schemaVersion) {

    /**
     * Decodes the row. The payload type comes from the catalog, by event name, never from the row.
     *
     * @throws UndecodableEventException if the catalog does not know the event or the codec fails
     */
    EventEnvelope decode(EventCatalog catalog, PayloadCodec codec)
        throws UndecodableEventException {
      return envelope(catalog, codec, false);
    }

    /**
     * Like {@link #decode}, for an infra that {@link
     * dev.domainevents.spi.DomainEventInfra#shipsEncodedPayloads ships encoded payloads}: a payload
     * of the event's current version stays in its stored bytes, as an {@link EncodedPayload}. One
     * of an older version is upcast, as {@link #decode} does. Bytes that would not decode are then
     * found by the consumer, which dead-letters them with the reason, instead of by the relay.
     *
     * @throws UndecodableEventException if the catalog does not know the event, or an older
     *     version's payload does not decode
     */
    EventEnvelope encoded(EventCatalog catalog, PayloadCodec codec)
        throws UndecodableEventException {
      return envelope(catalog, codec, true);
    }

    private EventEnvelope envelope(EventCatalog catalog, PayloadCodec codec, boolean keepEncoded)
        throws UndecodableEventException {
      EventType<?> type = catalog.find(name);
      if (type == null) {
        throw new UndecodableEventException(
            "unknown event \""
                + name
                + "\" ("
                + eventId
                + "): no generated EventRegistry in the catalog registers it; deploy the entity"
                + " compiled with sdk-processor, then requeue the event");
      }
      byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
      Object value =
          keepEncoded && schemaVersion == type.schemaVersion()
              ? new EncodedPayload(bytes, codec, type.payloadType())
              : decodePayload(catalog, codec, type, bytes);
      try {
        return new EventEnvelope(
            UUID.fromString(eventId),
            name,
            aggregateType,
            aggregateId,
            value,
            HeaderText.decode(headers),
            Instant.ofEpochMilli(occurredAtMillis),
            correlationId,
            causationId,
            type.schemaVersion(),
            type);
      } catch (IllegalArgumentException | NullPointerException e) {
        throw new UndecodableEventException(
            "malformed row of " + name + " (" + eventId + "): " + e);
      }
    }

    private Object decodePayload(
        EventCatalog catalog, PayloadCodec codec, EventType<?> type, byte[] bytes)
        throws UndecodableEventException {
      Object decoded;
      try {
        // An older version goes through the upcasters; a newer one fails here, never misread.
        decoded = Upcasting.decode(codec, catalog, type, schemaVersion, bytes);
      } catch (RuntimeException e) { // a PayloadDecodingException, or a broken user codec
        throw new UndecodableEventException(
            "cannot decode the payload of "
                + name
                + " ("
                + eventId
                + ") as "
                + type.payloadType().getName()
                + ": "
                + e.getMessage());
      }
      if (!type.payloadType().isInstance(decoded)) {
        throw new UndecodableEventException(
            "the PayloadCodec decoded "
                + name
                + " ("
                + eventId
                + ") into "
                + (decoded == null ? "null" : decoded.getClass().getName())
                + ", not "
                + type.payloadType().getName());
      }
      return decoded;
    }
  }

  /** A reason that fits a {@code last_error} column. */
  static String reason(Throwable error) {
    return clip(error.toString());
  }

  static String clip(String text) {
    return text.length() <= MAX_ERROR_LENGTH ? text : text.substring(0, MAX_ERROR_LENGTH);
  }

  /** A row that cannot become an envelope; retrying will not help until something changes. */
  static final class UndecodableEventException extends Exception {
    private static final long serialVersionUID = 1L;

    UndecodableEventException(String message) {
      super(message, null, false, false);
    }
  }
}
