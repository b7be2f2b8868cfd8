package dev.domainevents.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.domainevents.spi.PayloadCodec;
import dev.domainevents.spi.PayloadDecodingException;
import dev.domainevents.spi.PayloadDecodingException.Problem;
import java.io.IOException;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Payloads as UTF-8 JSON, through Jackson: the codec of the Kafka wire and the outbox table.
 *
 * <pre>{@code
 * PayloadCodec codec = JsonPayloadCodec.create();             // the wire's settings
 * PayloadCodec mine = JsonPayloadCodec.create(myObjectMapper); // your modules and features
 * }</pre>
 *
 * <p>{@link #create()} writes {@code java.time} values as ISO-8601 text, ignores unknown properties
 * (so producers can add fields before consumers know them), and rejects trailing tokens and a
 * {@code null} for a primitive. Input longer than {@link #MAX_INPUT_BYTES} is refused before it is
 * parsed. One {@link ObjectReader} or {@link ObjectWriter} is built per payload type and reused;
 * readers are built only for the types callers pass in, which come from the generated registry.
 * Thread-safe.
 */
public final class JsonPayloadCodec implements PayloadCodec {
  /** The largest payload {@link #decode} parses: 16 MiB. */
  public static final int MAX_INPUT_BYTES = 16 * 1024 * 1024;

  private final ObjectMapper mapper;
  private final ConcurrentHashMap<Class<?>, ObjectReader> readers = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<Class<?>, ObjectWriter> writers = new ConcurrentHashMap<>();
  private final ObjectReader treeReader;
  // Made by create(): every such codec writes the same bytes, so they are equal.
  private final boolean wireSettings;

  private JsonPayloadCodec(ObjectMapper mapper, boolean wireSettings) {
    this.mapper = mapper;
    this.treeReader = mapper.readerFor(Map.class);
    this.wireSettings = wireSettings;
  }

  /** Returns a codec with the Kafka wire's settings (see the class documentation). */
  public static JsonPayloadCodec create() {
    return new JsonPayloadCodec(
        new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES),
        true);
  }

  /**
   * Returns a codec that reads and writes with {@code mapper}, as configured. Do not reconfigure
   * the mapper afterwards: readers and writers built from it are cached.
   */
  public static JsonPayloadCodec create(ObjectMapper mapper) {
    return new JsonPayloadCodec(Objects.requireNonNull(mapper, "mapper"), false);
  }

  // get before computeIfAbsent: the per-record paths then make no method reference.
  private ObjectReader reader(Class<?> type) {
    ObjectReader reader = readers.get(type);
    return reader != null ? reader : readers.computeIfAbsent(type, mapper::readerFor);
  }

  private ObjectWriter writer(Class<?> type) {
    ObjectWriter writer = writers.get(type);
    return writer != null ? writer : writers.computeIfAbsent(type, mapper::writerFor);
  }

  @Override
  public byte[] encode(Object payload) {
    Objects.requireNonNull(payload, "payload");
    try {
      return writer(payload.getClass()).writeValueAsBytes(payload);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "cannot write " + payload.getClass().getName() + " as JSON: " + e.getOriginalMessage(),
          e);
    }
  }

  @Override
  public <T> T decode(byte[] data, Class<T> type) {
    Objects.requireNonNull(type, "type");
    checkSize(data);
    Object value;
    try {
      value = reader(type).readValue(data);
    } catch (StreamReadException e) {
      throw new PayloadDecodingException(
          Problem.MALFORMED, "the payload is not valid JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new PayloadDecodingException(
          Problem.MISMATCH,
          "the payload does not fit " + type.getName() + ": " + firstLine(e.getMessage()),
          e);
    }
    if (value == null) {
      throw new PayloadDecodingException(Problem.EMPTY, "the payload is JSON null", null);
    }
    if (!type.isInstance(value)) {
      throw new PayloadDecodingException(
          Problem.MISMATCH,
          "the payload became a " + value.getClass().getName() + ", not a " + type.getName(),
          null);
    }
    return type.cast(value);
  }

  /** Reads a JSON object into maps, lists and scalars, for upcasting an old version. */
  @Override
  public Map<String, Object> decodeTree(byte[] data) {
    checkSize(data);
    Object value;
    try {
      value = treeReader.readValue(data);
    } catch (StreamReadException e) {
      throw new PayloadDecodingException(
          Problem.MALFORMED, "the payload is not valid JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new PayloadDecodingException(
          Problem.MISMATCH, "the payload is not a JSON object: " + firstLine(e.getMessage()), e);
    }
    if (value == null) {
      throw new PayloadDecodingException(Problem.EMPTY, "the payload is JSON null", null);
    }
    @SuppressWarnings("unchecked") // Jackson reads a JSON object as a Map<String, Object>.
    Map<String, Object> tree = (Map<String, Object>) value;
    return tree;
  }

  @Override
  public byte[] encodeTree(Map<String, Object> tree) {
    Objects.requireNonNull(tree, "tree");
    try {
      return mapper.writeValueAsBytes(tree);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "cannot write the upcast tree as JSON: " + e.getOriginalMessage(), e);
    }
  }

  /**
   * Two codecs are equal when they write the same bytes: both made by {@link #create()}, or both by
   * {@link #create(ObjectMapper)} with the same mapper. An outbox relay ships a stored payload in
   * its stored bytes when the outbox's codec equals the infra's.
   */
  @Override
  public boolean equals(Object other) {
    return other instanceof JsonPayloadCodec that
        && (wireSettings ? that.wireSettings : !that.wireSettings && mapper == that.mapper);
  }

  @Override
  public int hashCode() {
    return wireSettings ? 1 : System.identityHashCode(mapper);
  }

  private static void checkSize(byte[] data) {
    if (data == null || data.length == 0) {
      throw new PayloadDecodingException(Problem.EMPTY, "the payload is empty", null);
    }
    if (data.length > MAX_INPUT_BYTES) {
      throw new PayloadDecodingException(
          Problem.TOO_LARGE,
          "the payload has "
              + data.length
              + " bytes, more than the "
              + MAX_INPUT_BYTES
              + " allowed",
          null);
    }
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
