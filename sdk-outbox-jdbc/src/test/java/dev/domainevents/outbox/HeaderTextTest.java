package dev.domainevents.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HeaderTextTest {
  @Test
  void roundTripsKeysAndValuesWithEveryEscapedCharacter() {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("traceparent", "00-abc-def-01");
    headers.put("a=b", "c=d");
    headers.put("multi\nline", "back\\slash\\n not a newline");
    headers.put("empty", "");
    headers.put("", "empty key");
    String text = HeaderText.encode(headers);
    assertEquals(headers, HeaderText.decode(text));
    assertEquals(5, text.split("\n", -1).length, "one line per header");
  }

  @Test
  void emptyHeadersAreAnEmptyString() {
    assertEquals("", HeaderText.encode(Map.of()));
    assertEquals(Map.of(), HeaderText.decode(""));
    assertEquals(Map.of(), HeaderText.decode(null));
  }

  @Test
  void malformedTextIsRejectedWithTheReason() {
    IllegalArgumentException noEquals =
        assertThrows(IllegalArgumentException.class, () -> HeaderText.decode("no-equals"));
    assertEquals("malformed header line: no-equals", noEquals.getMessage());
    assertThrows(IllegalArgumentException.class, () -> HeaderText.decode("k=v\\x"));
    assertThrows(IllegalArgumentException.class, () -> HeaderText.decode("k=v\\"));
  }
}
