package dev.domainevents.http;

import dev.domainevents.spi.PayloadCodec;
import dev.domainevents.spi.PayloadDecodingException;

/**
 * The proxy's codec: payloads stay the bytes they were on the wire, for the receiver to decode into
 * its own types. Only {@code byte[]} is asked for, since the proxy's registry says so.
 */
final class RawPayloads implements PayloadCodec {
  @Override
  public byte[] encode(Object payload) {
    if (payload instanceof byte[] bytes) {
      return bytes;
    }
    throw new IllegalArgumentException("the proxy forwards raw payloads only");
  }

  @Override
  public <T> T decode(byte[] data, Class<T> type) {
    if (type != byte[].class) {
      throw new PayloadDecodingException(
          PayloadDecodingException.Problem.MISMATCH, "the proxy decodes into byte[] only", null);
    }
    if (data == null) {
      throw new PayloadDecodingException(
          PayloadDecodingException.Problem.EMPTY, "the record has no value", null);
    }
    return type.cast(data);
  }
}
