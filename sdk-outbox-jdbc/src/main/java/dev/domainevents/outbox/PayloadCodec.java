package dev.domainevents.outbox;

/**
 * Turns payloads into text for the outbox table and back. Bring your own, e.g. with a Jackson
 * {@code ObjectMapper}:
 *
 * <pre>{@code
 * PayloadCodec codec = new PayloadCodec() {
 *   public String encode(Object payload) throws Exception {
 *     return mapper.writeValueAsString(payload);
 *   }
 *   public Object decode(String data, Class<?> type) throws Exception {
 *     return mapper.readValue(data, type);
 *   }
 * };
 * }</pre>
 *
 * <p>The type handed to {@link #decode} always comes from the {@link
 * dev.domainevents.spi.EventCatalog}, looked up by the event's name; the table never names a class.
 * Implementations must be thread-safe.
 */
public interface PayloadCodec {
  /** Encodes a payload. */
  String encode(Object payload) throws Exception;

  /** Decodes what {@link #encode} produced into an instance of {@code type}. */
  Object decode(String data, Class<?> type) throws Exception;
}
