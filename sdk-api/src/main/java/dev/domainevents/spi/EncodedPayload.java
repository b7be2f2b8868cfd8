package dev.domainevents.spi;

import java.util.Objects;

/**
 * A payload still in the bytes a {@link PayloadCodec} wrote, e.g. read back from an outbox table,
 * carried in an envelope to an infra that ships it as it is (see {@link
 * DomainEventInfra#shipsEncodedPayloads}). An outbox relay makes these so that a stored payload is
 * not decoded into its object only for the infra to encode it again.
 *
 * <p>Such an envelope is for the infra's encoder alone: handlers and interceptors never see one. An
 * infra that takes them encodes every payload through {@link #encode(PayloadCodec, Object)}, which
 * returns these bytes when the codec that wrote them is the infra's own (or {@link Object#equals
 * equal} to it), and otherwise decodes them into {@link #type()} and encodes the result, so a
 * mismatch costs time and never changes what is shipped.
 */
public final class EncodedPayload {
  private final byte[] bytes;
  private final PayloadCodec codec;
  private final Class<?> type;

  /**
   * Wraps {@code bytes}, which are kept, not copied: hand over an array nobody changes afterwards.
   *
   * @param codec the codec that wrote {@code bytes}
   * @param type the payload type {@code bytes} decode into, from the {@link EventCatalog}
   */
  public EncodedPayload(byte[] bytes, PayloadCodec codec, Class<?> type) {
    this.bytes = Objects.requireNonNull(bytes, "bytes");
    this.codec = Objects.requireNonNull(codec, "codec");
    this.type = Objects.requireNonNull(type, "type");
  }

  /**
   * Returns {@code payload} as {@code codec} writes it: an encoded payload's own bytes if {@code
   * codec} wrote them, else {@code codec.encode} of the payload (decoded first, if it is an encoded
   * payload of another codec).
   *
   * @throws IllegalArgumentException if the payload cannot be encoded
   * @throws PayloadDecodingException if an encoded payload of another codec does not decode
   */
  public static byte[] encode(PayloadCodec codec, Object payload) {
    if (payload instanceof EncodedPayload encoded) {
      return encoded.bytesFor(codec);
    }
    return codec.encode(payload);
  }

  private byte[] bytesFor(PayloadCodec target) {
    if (target == codec || target.equals(codec)) {
      return bytes;
    }
    return target.encode(codec.decode(bytes, type));
  }

  /** The payload type the bytes decode into. */
  public Class<?> type() {
    return type;
  }

  /** Names the type and the size only: a payload's content does not belong in logs. */
  @Override
  public String toString() {
    return "EncodedPayload[" + type.getName() + ", " + bytes.length + " bytes]";
  }
}
