package dev.domainevents.kafka;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Payloads as JSON. One {@link ObjectReader} or {@link ObjectWriter} is built per payload type and
 * reused: they are immutable and thread-safe, and building them is the expensive part.
 *
 * <p>Readers are only ever built for types from the generated registry or the dispatchers'
 * declared topic types; the wire never names a class. Unknown JSON properties are ignored so that
 * producers can add fields before consumers know them; a value of the wrong shape, trailing
 * tokens, or a {@code null} for a primitive are errors.
 */
final class PayloadCodec {
  private final ObjectMapper mapper;
  private final ConcurrentHashMap<Class<?>, ObjectReader> readers = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<Class<?>, ObjectWriter> writers = new ConcurrentHashMap<>();

  PayloadCodec() {
    this.mapper =
        new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
  }

  byte[] write(Object payload) throws JsonProcessingException {
    return writers.computeIfAbsent(payload.getClass(), mapper::writerFor).writeValueAsBytes(payload);
  }

  /**
   * Decodes {@code json} into {@code type}.
   *
   * @throws PoisonRecordException if it is not JSON, or does not fit the type
   */
  Object read(byte[] json, Class<?> type) {
    if (json == null || json.length == 0) {
      throw new PoisonRecordException(PoisonRecordException.EMPTY_VALUE, "the record has no value");
    }
    Object value;
    try {
      value = readers.computeIfAbsent(type, mapper::readerFor).readValue(json);
    } catch (StreamReadException e) {
      throw new PoisonRecordException(
          PoisonRecordException.INVALID_JSON, "the value is not valid JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new PoisonRecordException(
          PoisonRecordException.PAYLOAD_MISMATCH,
          "the value does not fit " + type.getName() + ": " + firstLine(e.getMessage()),
          e);
    }
    if (value == null) {
      throw new PoisonRecordException(PoisonRecordException.EMPTY_VALUE, "the value is JSON null");
    }
    return value;
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
