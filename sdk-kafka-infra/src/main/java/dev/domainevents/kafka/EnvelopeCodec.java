package dev.domainevents.kafka;

import dev.domainevents.EventEnvelope;
import dev.domainevents.EventType;
import dev.domainevents.spi.DispatchTable;
import dev.domainevents.spi.EncodedPayload;
import dev.domainevents.spi.EventCatalog;
import dev.domainevents.spi.EventNames;
import dev.domainevents.spi.NewerVersions;
import dev.domainevents.spi.PayloadCodec;
import dev.domainevents.spi.PayloadDecodingException;
import dev.domainevents.spi.Upcasting;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Turns envelopes into Kafka records and back: key = aggregate id, value = JSON payload, headers =
 * the envelope ({@link EnvelopeHeaders}, or {@link CloudEventsHeaders} in {@link
 * WireFormat#CLOUDEVENTS}) and the user's headers. It decodes both formats, whichever it encodes.
 *
 * <p>Decoding takes the payload type from the {@link EventCatalog} for domain events and from the
 * {@link DispatchTable}'s topics for plain messages: never from the record.
 */
final class EnvelopeCodec {
  private static final byte[] JSON = bytes(EnvelopeHeaders.JSON);

  private static final byte[] CLOUDEVENTS_1_0 = bytes(CloudEventsHeaders.VERSION_1_0);

  /** The schema versions whose header bytes are made once; a higher one is encoded per event. */
  private static final byte[][] VERSIONS = new byte[33][];

  static {
    for (int version = 1; version < VERSIONS.length; version++) {
      VERSIONS[version] = bytes(Integer.toString(version));
    }
  }

  /**
   * How many names and aggregate types {@link #textBytes} keeps: far more than a service's event
   * types, and a bound for one that sends to ever new plain topics.
   */
  private static final int MAX_TEXTS = 4_096;

  // The header bytes of names and aggregate types, the same for every event of a type: encoded
  // once, not per record. Kafka keeps header values as given, so records may share them.
  private final ConcurrentHashMap<String, byte[]> texts = new ConcurrentHashMap<>();

  private final PayloadCodec payloads;
  private final EventCatalog catalog;
  private final NewerVersions newerVersions;
  private final DispatchTable table;
  private final WireFormat format;
  private final HandledNames handledNames;

  EnvelopeCodec(
      PayloadCodec payloads, EventCatalog catalog, DispatchTable table, WireFormat format) {
    this(payloads, catalog, table, format, NewerVersions.deadLetter());
  }

  EnvelopeCodec(
      PayloadCodec payloads,
      EventCatalog catalog,
      DispatchTable table,
      WireFormat format,
      NewerVersions newerVersions) {
    this.payloads = payloads;
    this.catalog = catalog;
    this.table = table;
    this.format = format;
    this.newerVersions = newerVersions;
    this.handledNames = new HandledNames(table == null ? List.of() : table.events());
  }

  /**
   * Returns the topic {@code event} is published to: its registered one, or its own name. An event
   * raised through its generated constant carries its type, so only an event raised by name is
   * looked up, once, here (or earlier, by {@link dev.domainevents.EventBatch}, when its version
   * differs).
   */
  String topicOf(EventEnvelope event) {
    if (event.aggregateType().isEmpty()) {
      return event.name();
    }
    EventType<?> type = event.type();
    if (type == null) {
      type = catalog.find(event.name());
    }
    if (type == null) {
      throw new IllegalArgumentException(
          "unknown event \""
              + event.name()
              + "\": no generated EventRegistry registers it, so it has no topic. Is the entity"
              + " compiled with sdk-processor on the annotation processor path?");
    }
    return type.topic();
  }

  /** Whether payloads are written with {@code codec}, or a codec equal to it. */
  boolean writesWith(PayloadCodec codec) {
    return payloads.equals(codec);
  }

  /**
   * Encodes {@code event} for {@code topic}.
   *
   * @throws IllegalArgumentException if the payload cannot be encoded or a header is reserved
   */
  ProducerRecord<byte[], byte[]> encode(EventEnvelope event, String topic) {
    // An outbox relay's stored payload ships in the bytes it was stored in.
    byte[] value = EncodedPayload.encode(payloads, event.payload());
    // The key's bytes serve the aggregate id's header too.
    byte[] key = event.aggregateId() == null ? null : bytes(event.aggregateId());
    RecordHeaders headers =
        format == WireFormat.CLOUDEVENTS
            ? cloudEventHeaders(event, key)
            : envelopeHeaders(event, key);
    for (Map.Entry<String, String> header : event.headers().entrySet()) {
      String name = header.getKey();
      if (name.startsWith(EnvelopeHeaders.PREFIX) || CloudEventsHeaders.isReserved(name)) {
        throw new IllegalArgumentException(
            "header \""
                + name
                + "\" of "
                + event.name()
                + " is reserved for the SDK (the prefix \""
                + EnvelopeHeaders.PREFIX
                + "\" and the CloudEvents attributes it maps); rename it");
      }
      headers.add(name, bytes(header.getValue()));
    }
    return new ProducerRecord<>(topic, null, key, value, headers);
  }

  private RecordHeaders envelopeHeaders(EventEnvelope event, byte[] aggregateId) {
    RecordHeaders headers = new RecordHeaders();
    String eventId = event.eventId().toString();
    byte[] eventIdBytes = bytes(eventId);
    headers.add(EnvelopeHeaders.EVENT_ID, eventIdBytes);
    headers.add(EnvelopeHeaders.EVENT_NAME, textBytes(event.name()));
    headers.add(EnvelopeHeaders.AGGREGATE_TYPE, textBytes(event.aggregateType()));
    if (aggregateId != null) {
      headers.add(EnvelopeHeaders.AGGREGATE_ID, aggregateId);
    }
    headers.add(EnvelopeHeaders.OCCURRED_AT, InstantHeader.format(event.occurredAt()));
    // A root event correlates to itself: its id's bytes serve twice.
    headers.add(
        EnvelopeHeaders.CORRELATION_ID,
        event.correlationId().equals(eventId) ? eventIdBytes : bytes(event.correlationId()));
    if (event.causationId() != null) {
      headers.add(EnvelopeHeaders.CAUSATION_ID, bytes(event.causationId()));
    }
    headers.add(EnvelopeHeaders.SCHEMA_VERSION, versionBytes(event.schemaVersion()));
    headers.add(EnvelopeHeaders.CONTENT_TYPE, JSON);
    return headers;
  }

  /** The envelope as CloudEvents attributes, binary mode; see {@link CloudEventsHeaders}. */
  private RecordHeaders cloudEventHeaders(EventEnvelope event, byte[] aggregateId) {
    RecordHeaders headers = new RecordHeaders();
    String eventId = event.eventId().toString();
    byte[] eventIdBytes = bytes(eventId);
    headers.add(CloudEventsHeaders.SPEC_VERSION, CLOUDEVENTS_1_0);
    headers.add(CloudEventsHeaders.ID, eventIdBytes);
    boolean plain = event.aggregateType().isEmpty();
    headers.add(
        CloudEventsHeaders.SOURCE, bytes("/" + (plain ? event.name() : event.aggregateType())));
    headers.add(CloudEventsHeaders.TYPE, textBytes(event.name()));
    headers.add(CloudEventsHeaders.TIME, InstantHeader.format(event.occurredAt()));
    if (aggregateId != null) {
      headers.add(CloudEventsHeaders.SUBJECT, aggregateId);
    }
    headers.add(EnvelopeHeaders.CONTENT_TYPE, JSON);
    headers.add(
        CloudEventsHeaders.CORRELATION_ID,
        event.correlationId().equals(eventId) ? eventIdBytes : bytes(event.correlationId()));
    if (event.causationId() != null) {
      headers.add(CloudEventsHeaders.CAUSATION_ID, bytes(event.causationId()));
    }
    headers.add(CloudEventsHeaders.SCHEMA_VERSION, versionBytes(event.schemaVersion()));
    if (!plain) {
      headers.add(CloudEventsHeaders.AGGREGATE_TYPE, textBytes(event.aggregateType()));
    }
    return headers;
  }

  /** The UTF-8 of a name or aggregate type, made once per value. */
  private byte[] textBytes(String text) {
    byte[] encoded = texts.get(text);
    if (encoded == null) {
      encoded = bytes(text);
      if (texts.size() < MAX_TEXTS) {
        texts.putIfAbsent(text, encoded);
      }
    }
    return encoded;
  }

  private static byte[] versionBytes(int version) {
    return version > 0 && version < VERSIONS.length
        ? VERSIONS[version]
        : bytes(Integer.toString(version));
  }

  /**
   * Decodes a consumed record. Every header value must be UTF-8: a header that is not would be
   * altered by decoding, so the record is malformed instead.
   *
   * <p>The routing headers that steer a retry ({@link EnvelopeHeaders#ATTEMPTS}, {@link
   * EnvelopeHeaders#RETRY_ROUND}, {@link EnvelopeHeaders#RETRY_AT} and the original coordinates)
   * are honoured only on a retry topic, where the SDK wrote them; on any other topic they make the
   * record malformed, since trusting them would let any producer pause a partition or skew
   * attempts. {@link EnvelopeHeaders#GROUP} is honoured everywhere: replayed dead letters carry it.
   *
   * @param retryTopic whether the record was read from one of the consumer's retry topics
   * @return the delivery, or {@code null} if this service does not handle the record's event, or
   *     does not know it (registered by no registry of this service), or it was written with a
   *     newer schema version and {@link NewerVersions#SETTING} says to skip those: a record to skip
   * @throws PoisonRecordException if the record can never be handled
   */
  Delivery decode(ConsumerRecord<byte[], byte[]> record, boolean retryTopic) {
    String eventId = null;
    byte[] nameBytes = null;
    String aggregateType = null;
    String aggregateId = null;
    byte[] occurredAtBytes = null;
    String occurredAt = null;
    String correlationId = null;
    String causationId = null;
    String schemaVersion = null;
    String originalTopic = null;
    String originalPartition = null;
    String originalOffset = null;
    String attempts = null;
    String retryRound = null;
    String retryAt = null;
    String group = null;
    Map<String, String> userHeaders = null;
    CloudEvent cloudEvent = null;
    for (Header header : record.headers()) {
      String key = header.key();
      if (key.startsWith(CloudEventsHeaders.PREFIX) && CloudEventsHeaders.isReserved(key)) {
        if (cloudEvent == null) {
          cloudEvent = new CloudEvent();
        }
        cloudEvent.read(key, header.value() == null ? null : text(key, header.value()));
        continue;
      }
      if (!key.startsWith(EnvelopeHeaders.PREFIX)) {
        if (key.equals(EnvelopeHeaders.CONTENT_TYPE)) {
          String contentType = header.value() == null ? "" : text(key, header.value());
          if (contentType.startsWith("application/cloudevents")) {
            throw new PoisonRecordException(
                PoisonRecordException.UNDECODABLE,
                "a structured-mode CloudEvent ("
                    + excerpt(contentType, 60)
                    + "); the SDK reads"
                    + " the binary mode, with the attributes in ce_ headers");
          }
        } else {
          if (userHeaders == null) {
            userHeaders = new HashMap<>();
          }
          byte[] value = header.value();
          userHeaders.put(key, value == null ? "" : text(key, value));
        }
        continue;
      }
      byte[] value = header.value();
      switch (key) {
        case EnvelopeHeaders.EVENT_ID -> eventId = textOrNull(key, value);
        // The name and the time are read from their bytes below: no string per record.
        case EnvelopeHeaders.EVENT_NAME -> nameBytes = value;
        case EnvelopeHeaders.AGGREGATE_TYPE -> aggregateType = textOrNull(key, value);
        case EnvelopeHeaders.AGGREGATE_ID -> aggregateId = textOrNull(key, value);
        case EnvelopeHeaders.OCCURRED_AT -> occurredAtBytes = value;
        case EnvelopeHeaders.CORRELATION_ID -> correlationId = textOrNull(key, value);
        case EnvelopeHeaders.CAUSATION_ID -> causationId = textOrNull(key, value);
        case EnvelopeHeaders.SCHEMA_VERSION -> schemaVersion = textOrNull(key, value);
        case EnvelopeHeaders.ORIGINAL_TOPIC -> originalTopic = textOrNull(key, value);
        case EnvelopeHeaders.ORIGINAL_PARTITION -> originalPartition = textOrNull(key, value);
        case EnvelopeHeaders.ORIGINAL_OFFSET -> originalOffset = textOrNull(key, value);
        case EnvelopeHeaders.ATTEMPTS -> attempts = textOrNull(key, value);
        case EnvelopeHeaders.RETRY_ROUND -> retryRound = textOrNull(key, value);
        case EnvelopeHeaders.RETRY_AT -> retryAt = textOrNull(key, value);
        case EnvelopeHeaders.GROUP -> group = textOrNull(key, value);
        default -> {
          // Other SDK headers (exception details, original coordinates) are not part of the
          // envelope.
        }
      }
    }
    // A handled name is the dispatch table's own string; any other is decoded and checked below.
    String name = nameBytes == null ? null : handledNames.find(nameBytes);
    if (name == null && nameBytes != null) {
      name = text(EnvelopeHeaders.EVENT_NAME, nameBytes);
    }
    if (cloudEvent != null) {
      if (occurredAtBytes != null) {
        occurredAt = text(EnvelopeHeaders.OCCURRED_AT, occurredAtBytes);
        occurredAtBytes = null;
      }
      // A CloudEvent's attributes stand for the envelope headers; a record carrying both must
      // not say two things.
      cloudEvent.requireComplete();
      eventId = agree(eventId, cloudEvent.id(), EnvelopeHeaders.EVENT_ID, CloudEventsHeaders.ID);
      name = agree(name, cloudEvent.type, EnvelopeHeaders.EVENT_NAME, CloudEventsHeaders.TYPE);
      aggregateType =
          agree(
              aggregateType,
              cloudEvent.aggregateType,
              EnvelopeHeaders.AGGREGATE_TYPE,
              CloudEventsHeaders.AGGREGATE_TYPE);
      aggregateId =
          agree(
              aggregateId,
              cloudEvent.subject,
              EnvelopeHeaders.AGGREGATE_ID,
              CloudEventsHeaders.SUBJECT);
      occurredAt =
          agree(occurredAt, cloudEvent.time, EnvelopeHeaders.OCCURRED_AT, CloudEventsHeaders.TIME);
      if (occurredAt == null) {
        occurredAt = Instant.ofEpochMilli(record.timestamp()).toString();
      }
      correlationId =
          agree(
              correlationId,
              cloudEvent.correlationId,
              EnvelopeHeaders.CORRELATION_ID,
              CloudEventsHeaders.CORRELATION_ID);
      if (correlationId == null) {
        correlationId = eventId; // optional in CloudEvents: the event starts its own flow
      }
      causationId =
          agree(
              causationId,
              cloudEvent.causationId,
              EnvelopeHeaders.CAUSATION_ID,
              CloudEventsHeaders.CAUSATION_ID);
      schemaVersion =
          agree(
              schemaVersion,
              cloudEvent.schemaVersion,
              EnvelopeHeaders.SCHEMA_VERSION,
              CloudEventsHeaders.SCHEMA_VERSION);
    }
    String topic;
    String misplaced = null;
    if (retryTopic) {
      topic = record.topic().substring(KafkaSettings.RETRY_TOPIC_PREFIX.length());
      if (originalTopic != null && !originalTopic.equals(topic)) {
        throw new PoisonRecordException(
            PoisonRecordException.MALFORMED_HEADER,
            "header "
                + EnvelopeHeaders.ORIGINAL_TOPIC
                + " is \""
                + excerpt(originalTopic, 100)
                + "\", but a record of "
                + record.topic()
                + " comes from "
                + topic);
      }
    } else {
      topic = record.topic();
      misplaced =
          attempts != null
              ? EnvelopeHeaders.ATTEMPTS
              : retryRound != null
                  ? EnvelopeHeaders.RETRY_ROUND
                  : retryAt != null
                      ? EnvelopeHeaders.RETRY_AT
                      : originalTopic != null
                          ? EnvelopeHeaders.ORIGINAL_TOPIC
                          : originalPartition != null
                              ? EnvelopeHeaders.ORIGINAL_PARTITION
                              : originalOffset != null ? EnvelopeHeaders.ORIGINAL_OFFSET : null;
    }

    Class<?> payloadType;
    EventType<?> eventType = null;
    boolean plain;
    if (name == null) {
      payloadType = table.topics().get(topic);
      if (payloadType == null) {
        throw new PoisonRecordException(
            PoisonRecordException.MISSING_HEADER,
            "header "
                + EnvelopeHeaders.EVENT_NAME
                + " is missing, and topic "
                + topic
                + " is not a plain topic with a handler");
      }
      name = topic;
      plain = true;
    } else if (!EventNames.isEventName(name)) {
      payloadType = table.topics().get(name);
      if (payloadType == null) {
        throw new PoisonRecordException(
            PoisonRecordException.UNKNOWN_EVENT,
            "\"" + name + "\" is neither a registered event nor a plain topic with a handler");
      }
      plain = true;
    } else {
      // An aggregate's topic carries all its events: those this service does not handle, and
      // those a newer producer added that it does not even know. Neither is poison.
      EventType<?> type = catalog.find(name);
      if (type == null || !table.handles(name)) {
        return null;
      }
      // The registered instance: its hash is cached, and the generated dispatcher's equals
      // answers on identity instead of comparing bytes.
      name = type.name();
      payloadType = type.payloadType();
      eventType = type;
      plain = false;
      if (aggregateType == null) {
        aggregateType = type.aggregateType();
      }
    }
    if (misplaced != null) {
      throw new PoisonRecordException(
          PoisonRecordException.MALFORMED_HEADER,
          "header "
              + misplaced
              + " is honoured only on a retry topic, and this record is on "
              + topic);
    }

    UUID id;
    if (eventId == null) {
      if (!plain) {
        throw missing(EnvelopeHeaders.EVENT_ID);
      }
      // A plain message from a foreign producer: an id derived from where it was first
      // published, so that a redelivery or a retry copy is recognised as the same message.
      String partition =
          originalPartition == null
              ? Integer.toString(record.partition())
              : Integer.toString(
                  parseNonNegative(EnvelopeHeaders.ORIGINAL_PARTITION, originalPartition));
      String offset =
          originalOffset == null
              ? Long.toString(record.offset())
              : Long.toString(
                  parseNonNegativeLong(EnvelopeHeaders.ORIGINAL_OFFSET, originalOffset));
      id = UUID.nameUUIDFromBytes(bytes(topic + '/' + partition + '/' + offset));
    } else {
      id = parseUuid(eventId);
    }
    Instant occurred = null;
    if (occurredAtBytes != null) {
      try {
        occurred = InstantHeader.parseWritten(occurredAtBytes);
      } catch (DateTimeException e) {
        throw malformed(
            EnvelopeHeaders.OCCURRED_AT, text(EnvelopeHeaders.OCCURRED_AT, occurredAtBytes));
      }
      if (occurred == null) {
        occurredAt = text(EnvelopeHeaders.OCCURRED_AT, occurredAtBytes); // another form, or not one
      }
    }
    if (occurred == null && occurredAt == null) {
      if (!plain) {
        throw missing(EnvelopeHeaders.OCCURRED_AT);
      }
      occurred = Instant.ofEpochMilli(record.timestamp());
    } else if (occurred == null) {
      try {
        occurred = InstantHeader.parse(occurredAt);
      } catch (DateTimeException e) {
        throw malformed(EnvelopeHeaders.OCCURRED_AT, occurredAt);
      }
    }
    if (correlationId == null) {
      if (!plain) {
        throw missing(EnvelopeHeaders.CORRELATION_ID);
      }
      correlationId = id.toString();
    }
    // Without the header (a producer other than the SDK), an event is read as the current version.
    int version =
        schemaVersion != null
            ? parsePositive(EnvelopeHeaders.SCHEMA_VERSION, schemaVersion)
            : eventType != null ? eventType.schemaVersion() : 1;
    if (aggregateId == null && record.key() != null) {
      aggregateId = string(record.key());
    }

    if (eventType != null && newerVersions.skips(eventType, version)) {
      return null; // skipped and committed, as configured, instead of dead-lettered
    }
    Object payload = decodePayload(record.value(), payloadType, eventType, version);
    if (eventType != null && !Upcasting.forwardsRaw(eventType)) {
      // An older version was upcast: the payload is now of the current one. A raw payload, as
      // the HTTP proxy forwards it, keeps the version it was written with.
      version = eventType.schemaVersion();
    }
    EventEnvelope envelope =
        new EventEnvelope(
            id,
            name,
            plain ? "" : aggregateType,
            aggregateId,
            payload,
            userHeaders,
            occurred,
            correlationId,
            causationId,
            version);
    return new Delivery(
        envelope,
        attempts == null ? 0 : parseNonNegative(EnvelopeHeaders.ATTEMPTS, attempts),
        retryRound == null ? 0 : parseNonNegative(EnvelopeHeaders.RETRY_ROUND, retryRound),
        retryAt == null ? 0L : parseLong(EnvelopeHeaders.RETRY_AT, retryAt),
        group);
  }

  /**
   * A decoded record: the envelope, plus what earlier deliveries left in the routing headers (all
   * zero off retry topics).
   *
   * @param attempts handler calls made in earlier deliveries, up to {@link Integer#MAX_VALUE}:
   *     count on from it without overflowing
   * @param retryRound how many times the record went through the retry topic
   * @param retryAt epoch millis before which it must not be handled, or 0; as read, not clamped
   * @param group the consumer group the retry copy is meant for, or {@code null}
   */
  record Delivery(
      EventEnvelope envelope, int attempts, int retryRound, long retryAt, String group) {}

  /** Returns the one value two headers of the same attribute give, or fails if they differ. */
  private static String agree(String envelope, String cloudEvent, String header, String ceHeader) {
    if (cloudEvent == null) {
      return envelope;
    }
    if (envelope != null && !envelope.equals(cloudEvent)) {
      throw new PoisonRecordException(
          PoisonRecordException.MALFORMED_HEADER,
          "headers "
              + header
              + " and "
              + ceHeader
              + " disagree: \""
              + excerpt(envelope, 100)
              + "\" vs \""
              + excerpt(cloudEvent, 100)
              + "\"");
    }
    return cloudEvent;
  }

  /** The CloudEvents attributes of a record, as read. */
  private static final class CloudEvent {
    private String specVersion;
    private String id;
    private String source;
    private String type;
    private String time;
    private String subject;
    private String correlationId;
    private String causationId;
    private String schemaVersion;
    private String aggregateType;

    void read(String header, String value) {
      switch (header) {
        case CloudEventsHeaders.SPEC_VERSION -> specVersion = value;
        case CloudEventsHeaders.ID -> id = value;
        case CloudEventsHeaders.SOURCE -> source = value;
        case CloudEventsHeaders.TYPE -> type = value;
        case CloudEventsHeaders.TIME -> time = value;
        case CloudEventsHeaders.SUBJECT -> subject = value;
        case CloudEventsHeaders.CORRELATION_ID -> correlationId = value;
        case CloudEventsHeaders.CAUSATION_ID -> causationId = value;
        case CloudEventsHeaders.SCHEMA_VERSION -> schemaVersion = value;
        case CloudEventsHeaders.AGGREGATE_TYPE -> aggregateType = value;
        default -> throw new IllegalStateException("not a CloudEvents header: " + header);
      }
    }

    /** Checks what the specification requires: version 1.0, an id, a source and a type. */
    void requireComplete() {
      if (specVersion == null) {
        throw missing(CloudEventsHeaders.SPEC_VERSION);
      }
      if (!specVersion.equals(CloudEventsHeaders.VERSION_1_0)) {
        throw malformed(CloudEventsHeaders.SPEC_VERSION, specVersion);
      }
      if (id == null || id.isEmpty()) {
        throw missing(CloudEventsHeaders.ID);
      }
      if (source == null || source.isEmpty()) {
        throw missing(CloudEventsHeaders.SOURCE);
      }
      if (type == null || type.isEmpty()) {
        throw missing(CloudEventsHeaders.TYPE);
      }
    }

    /**
     * The id as a UUID's text. CloudEvents ids are any string unique within their source, so a
     * foreign id that is not a UUID becomes one derived from source and id: the same event,
     * delivered again, gets the same id, and the dedupe store recognises it.
     */
    String id() {
      try {
        return UUID.fromString(id).toString();
      } catch (IllegalArgumentException e) {
        return UUID.nameUUIDFromBytes(bytes(source + '\n' + id)).toString();
      }
    }
  }

  /**
   * Decodes the value, an event's through its upcasters, turning every codec failure into the
   * poison it is: no retry fixes it.
   */
  private Object decodePayload(byte[] value, Class<?> type, EventType<?> eventType, int version) {
    try {
      return eventType == null
          ? payloads.decode(value, type)
          : Upcasting.decode(payloads, catalog, eventType, version, value);
    } catch (PayloadDecodingException e) {
      String reason =
          switch (e.problem()) {
            case EMPTY -> PoisonRecordException.EMPTY_VALUE;
            case TOO_LARGE -> PoisonRecordException.TOO_LARGE;
            case MALFORMED -> PoisonRecordException.INVALID_JSON;
            case MISMATCH -> PoisonRecordException.PAYLOAD_MISMATCH;
            case NEWER_VERSION -> PoisonRecordException.NEWER_VERSION;
            case NO_UPCASTER -> PoisonRecordException.NO_UPCASTER;
          };
      throw new PoisonRecordException(reason, e.getMessage(), e);
    } catch (RuntimeException e) {
      // A user's codec that breaks the contract: its failure is as permanent as a mismatch.
      throw new PoisonRecordException(
          PoisonRecordException.UNDECODABLE, "the payload codec failed: " + e, e);
    }
  }

  private static UUID parseUuid(String value) {
    try {
      return UUID.fromString(value);
    } catch (IllegalArgumentException e) {
      throw malformed(EnvelopeHeaders.EVENT_ID, value);
    }
  }

  private static int parsePositive(String header, String value) {
    int parsed = parseNonNegative(header, value);
    if (parsed == 0) {
      throw malformed(header, value);
    }
    return parsed;
  }

  private static int parseNonNegative(String header, String value) {
    try {
      int parsed = Integer.parseInt(value);
      if (parsed < 0) {
        throw malformed(header, value);
      }
      return parsed;
    } catch (NumberFormatException e) {
      throw malformed(header, value);
    }
  }

  private static long parseNonNegativeLong(String header, String value) {
    long parsed = parseLong(header, value);
    if (parsed < 0) {
      throw malformed(header, value);
    }
    return parsed;
  }

  private static long parseLong(String header, String value) {
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw malformed(header, value);
    }
  }

  private static PoisonRecordException missing(String header) {
    return new PoisonRecordException(
        PoisonRecordException.MISSING_HEADER, "required header " + header + " is missing");
  }

  private static PoisonRecordException malformed(String header, String value) {
    return new PoisonRecordException(
        PoisonRecordException.MALFORMED_HEADER,
        "header " + header + " is malformed: \"" + excerpt(value, 100) + "\"");
  }

  /**
   * Decodes a header value that must be UTF-8. ASCII, by far the most common, takes one pass
   * without a decoder; anything else is decoded strictly, since replacing bad bytes would alter the
   * value in silence.
   */
  /**
   * The text of header {@code header}'s value, which must be UTF-8.
   *
   * @throws PoisonRecordException if it is not
   */
  private static String textOrNull(String header, byte[] value) {
    return value == null ? null : text(header, value);
  }

  static String text(String header, byte[] value) {
    // The JDK's lenient decoder checks for ASCII with a vectorised intrinsic and copies it as it
    // is. A string as long as its bytes without U+FFFD was all ASCII: any other valid character
    // takes more than one byte, and a malformed byte becomes U+FFFD, which a one-byte-per-character
    // string answers without a scan. Anything else is decoded again, strictly.
    String lenient = new String(value, StandardCharsets.UTF_8);
    if (lenient.length() == value.length && lenient.indexOf('\uFFFD') < 0) {
      return lenient;
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(value))
          .toString();
    } catch (CharacterCodingException e) {
      throw new PoisonRecordException(
          PoisonRecordException.MALFORMED_HEADER,
          "header " + excerpt(header, 100) + " is not valid UTF-8",
          e);
    }
  }

  /** At most {@code max} characters of {@code value}, marked when cut: for logs and headers. */
  static String excerpt(String value, int max) {
    return value.length() <= max ? value : value.substring(0, max) + "...";
  }

  static byte[] bytes(String value) {
    return value.getBytes(StandardCharsets.UTF_8);
  }

  static String string(byte[] value) {
    return value == null ? null : new String(value, StandardCharsets.UTF_8);
  }
}
