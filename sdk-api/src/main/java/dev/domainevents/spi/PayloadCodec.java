package dev.domainevents.spi;

import java.util.Map;

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

  /**
   * Decodes {@code data} into a JSON-like tree (maps, lists, strings, numbers, booleans), for
   * {@code @Upcaster} methods to turn an old version into the current one. Used only for records of
   * an older version; a codec that cannot do this cannot read old versions.
   *
   * @throws PayloadDecodingException if {@code data} is not an object in the codec's format
   * @throws UnsupportedOperationException by default
   */
  default Map<String, Object> decodeTree(byte[] data) {
    throw new UnsupportedOperationException(
        getClass().getName() + " cannot decode old versions into a tree for upcasting");
  }

  /**
   * Encodes a tree that {@link #decodeTree} produced and upcasters changed, for {@link #decode}.
   *
   * @throws IllegalArgumentException if the tree cannot be encoded
   * @throws UnsupportedOperationException by default
   */
  default byte[] encodeTree(Map<String, Object> tree) {
    throw new UnsupportedOperationException(getClass().getName() + " cannot encode upcast trees");
  }
}
