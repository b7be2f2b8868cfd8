package dev.domainevents.spi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class EncodedPayloadTest {
  /** Writes a string payload as {@code <prefix><text>}; equal to another with the same prefix. */
  private record PrefixCodec(String prefix) implements PayloadCodec {
    @Override
    public byte[] encode(Object payload) {
      return (prefix + payload).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public <T> T decode(byte[] data, Class<T> type) {
      String text = new String(data, StandardCharsets.UTF_8);
      if (!text.startsWith(prefix)) {
        throw new PayloadDecodingException(
            PayloadDecodingException.Problem.MALFORMED, "no " + prefix, null);
      }
      return type.cast(text.substring(prefix.length()));
    }
  }

  @Test
  void theCodecThatWroteTheBytesGetsThemBackAsTheyAre() {
    PrefixCodec codec = new PrefixCodec("a:");
    byte[] stored = "a:apple".getBytes(StandardCharsets.UTF_8);
    EncodedPayload payload = new EncodedPayload(stored, codec, String.class);

    assertSame(stored, EncodedPayload.encode(codec, payload));
    assertSame(stored, EncodedPayload.encode(new PrefixCodec("a:"), payload), "an equal codec");
  }

  @Test
  void anotherCodecGetsThePayloadDecodedAndEncodedAgain() {
    EncodedPayload payload =
        new EncodedPayload(
            "a:apple".getBytes(StandardCharsets.UTF_8), new PrefixCodec("a:"), String.class);

    assertArrayEquals(
        "b:apple".getBytes(StandardCharsets.UTF_8),
        EncodedPayload.encode(new PrefixCodec("b:"), payload));
  }

  @Test
  void aPayloadObjectIsEncodedByTheCodec() {
    assertArrayEquals(
        "a:pear".getBytes(StandardCharsets.UTF_8),
        EncodedPayload.encode(new PrefixCodec("a:"), "pear"));
  }

  @Test
  void itsTextNamesTheTypeAndSizeAndNotTheContent() {
    EncodedPayload payload =
        new EncodedPayload(
            "a:secret".getBytes(StandardCharsets.UTF_8), new PrefixCodec("a:"), String.class);

    assertEquals("EncodedPayload[java.lang.String, 8 bytes]", payload.toString());
    assertFalse(payload.toString().contains("secret"));
  }
}
