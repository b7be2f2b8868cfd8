package dev.domainevents.kafka;

/**
 * How a {@link KafkaInfra} writes an event's envelope into a record's headers. The value is the
 * payload, encoded by the {@link dev.domainevents.spi.PayloadCodec}, in either format.
 *
 * <p>A consumer reads both formats whatever it writes, so producers can switch one at a time.
 * Select one with {@link KafkaInfra.Builder#wireFormat(WireFormat)} or the property {@code
 * domainevents.wire.format} ({@code domainevents} or {@code cloudevents}).
 */
public enum WireFormat {
  /** The SDK's {@code de-} headers ({@link EnvelopeHeaders}); the default. */
  DOMAINEVENTS("domainevents"),
  /**
   * CloudEvents 1.0 in the Kafka protocol binding's binary mode: {@code ce_id}, {@code ce_type},
   * {@code ce_source}, {@code ce_specversion}, {@code ce_time}, {@code ce_subject}, {@code
   * content-type}, and the extensions {@code ce_correlationid}, {@code ce_causationid}, {@code
   * ce_schemaversion} and {@code ce_aggregatetype}, so that any CloudEvents consumer reads them.
   */
  CLOUDEVENTS("cloudevents");

  private final String property;

  WireFormat(String property) {
    this.property = property;
  }

  /** The value of {@code domainevents.wire.format} that selects this format. */
  public String property() {
    return property;
  }

  /** The format that {@code value} of {@code domainevents.wire.format} names. */
  static WireFormat of(String value) {
    for (WireFormat format : values()) {
      if (format.property.equals(value)) {
        return format;
      }
    }
    throw new IllegalArgumentException(
        KafkaSettings.WIRE_FORMAT
            + "="
            + EnvelopeCodec.excerpt(value, 40)
            + " is not a wire format; use domainevents or cloudevents");
  }
}
