package dev.domainevents.outbox;

import com.fasterxml.jackson.databind.ObjectMapper;

/** The tests' codec: JSON through one shared, thread-safe mapper. */
final class JacksonPayloadCodec implements PayloadCodec {
  private final ObjectMapper mapper = new ObjectMapper();

  @Override
  public String encode(Object payload) throws Exception {
    return mapper.writeValueAsString(payload);
  }

  @Override
  public Object decode(String data, Class<?> type) throws Exception {
    return mapper.readValue(data, type);
  }
}
