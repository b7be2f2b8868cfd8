package dev.domainevents.spi;

/**
 * Turns event payloads into bytes and back, for every infra that stores or ships them: the Kafka
 * wire, the outbox table. {@code dev.domainevents.json.JsonPayloadCodec} (module {@code sdk-json})
 * is the default; implement this to store payloads another way.
 *
 * <p>The type handed to {@link #decode} always comes from the {@link EventCatalog} or a handler's
 * declared topic type, looked up by the event's or topic's name; a codec never reads a class name
 * from its input. Implementations must be thread-safe and should bound the input they accept.
 */
public interface PayloadCodec {
  /**
   * Encodes {@code payload}.
   *
   * @throws IllegalArgumentException if the payload cannot be encoded
   */
  byte[] encode(Object payload);

  /**
   * Decodes what {@link #encode} produced into an instance of {@code type}; never returns {@code
   * null}.
   *
   * @throws PayloadDecodingException if {@code data} is empty, too large, malformed, or does not
   *     fit {@code type}
   */
  <T> T decode(byte[] data, Class<T> type);
}
