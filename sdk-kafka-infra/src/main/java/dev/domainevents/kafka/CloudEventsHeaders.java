package dev.domainevents.kafka;

/**
 * The record headers of CloudEvents 1.0 in the Kafka protocol binding's binary mode ({@link
 * WireFormat#CLOUDEVENTS}): each attribute is a header {@code ce_<attribute>}, and {@code
 * datacontenttype} is {@code content-type}. The SDK's envelope maps to standard attributes where
 * one exists and to extensions (lower-case, at most 20 characters, as the specification asks) where
 * none does.
 */
final class CloudEventsHeaders {
  static final String PREFIX = "ce_";
  static final String SPEC_VERSION = "ce_specversion";

  /** The only version of the specification read and written. */
  static final String VERSION_1_0 = "1.0";

  /** The event id; an id that is not a UUID is read as a UUID derived from source and id. */
  static final String ID = "ce_id";

  /** {@code /<aggregate type>} for an event, {@code /<topic>} for a plain message. */
  static final String SOURCE = "ce_source";

  /** The event name, {@code Entity:Method}, or the topic of a plain message. */
  static final String TYPE = "ce_type";

  /** When the event was raised, RFC 3339. */
  static final String TIME = "ce_time";

  /** The aggregate id, also the record key. */
  static final String SUBJECT = "ce_subject";

  /** Extension: the correlation id of the flow; the event id when absent. */
  static final String CORRELATION_ID = "ce_correlationid";

  /** Extension: the id of the event whose handler raised this one. */
  static final String CAUSATION_ID = "ce_causationid";

  /** Extension: the payload's schema version, a positive integer; 1 when absent. */
  static final String SCHEMA_VERSION = "ce_schemaversion";

  /** Extension: the entity's simple name. */
  static final String AGGREGATE_TYPE = "ce_aggregatetype";

  private CloudEventsHeaders() {}

  /** Returns whether {@code name} is an attribute the SDK reads or writes, reserved for it. */
  static boolean isReserved(String name) {
    return switch (name) {
      case SPEC_VERSION,
          ID,
          SOURCE,
          TYPE,
          TIME,
          SUBJECT,
          CORRELATION_ID,
          CAUSATION_ID,
          SCHEMA_VERSION,
          AGGREGATE_TYPE ->
          true;
      default -> false;
    };
  }
}
