package dev.domainevents.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Header values are read as strict UTF-8: valid text comes back whole, anything else is refused.
 */
class HeaderValueTextTest {
  @Test
  void asciiAndValidUtf8ComeBackAsTheyWere() {
    for (String text :
        new String[] {
          "",
          "Basket:Checkout",
          "0192f0c4-7b1e-7c3a-9d2e-5f6a7b8c9d0e",
          "café",
          "€ 5",
          "\uFFFD written on purpose",
          "𝄞 clef"
        }) {
      assertEquals(text, EnvelopeCodec.text("h", text.getBytes(StandardCharsets.UTF_8)));
    }
  }

  @Test
  void malformedBytesAreRefusedWherever() {
    byte[][] malformed = {
      {
        'o', 'k', (byte) 0xC3, (byte) 0x28
      }, // a lead byte and no continuation: as long as it decodes
      {(byte) 0x80}, // a lone continuation byte
      {'a', (byte) 0xE2, (byte) 0x82}, // cut short
      {(byte) 0xFF, 'x'}, // never valid
      {(byte) 0xC0, (byte) 0xAF}, // an overlong '/'
    };
    for (byte[] value : malformed) {
      PoisonRecordException refused =
          assertThrows(PoisonRecordException.class, () -> EnvelopeCodec.text("x-note", value));
      assertTrue(
          refused.getMessage().contains("header x-note is not valid UTF-8"), refused::getMessage);
    }
  }
}
