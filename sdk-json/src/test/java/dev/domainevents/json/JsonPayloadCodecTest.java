package dev.domainevents.json;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import dev.domainevents.spi.PayloadCodec;
import dev.domainevents.spi.PayloadDecodingException;
import dev.domainevents.spi.PayloadDecodingException.Problem;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class JsonPayloadCodecTest {
  record Sold(String sku, int quantity, Instant at) {}

  private final PayloadCodec codec = JsonPayloadCodec.create();

  @Test
  void roundTripsARecordWithInstantsAsIsoText() {
    Sold sold = new Sold("apple", 2, Instant.parse("2026-01-02T03:04:05Z"));
    byte[] json = codec.encode(sold);
    assertEquals(
        "{\"sku\":\"apple\",\"quantity\":2,\"at\":\"2026-01-02T03:04:05Z\"}",
        new String(json, StandardCharsets.UTF_8));
    assertEquals(sold, codec.decode(json, Sold.class));
  }

  @Test
  void codecsThatWriteTheSameBytesAreEqual() {
    ObjectMapper mapper = new ObjectMapper();
    assertEquals(JsonPayloadCodec.create(), JsonPayloadCodec.create(), "the wire's settings");
    assertEquals(JsonPayloadCodec.create().hashCode(), JsonPayloadCodec.create().hashCode());
    assertEquals(JsonPayloadCodec.create(mapper), JsonPayloadCodec.create(mapper), "one mapper");
    assertNotEquals(JsonPayloadCodec.create(mapper), JsonPayloadCodec.create(new ObjectMapper()));
    assertNotEquals(JsonPayloadCodec.create(), JsonPayloadCodec.create(mapper));
    assertNotEquals(JsonPayloadCodec.create(mapper), JsonPayloadCodec.create());
  }

  @Test
  void ignoresUnknownPropertiesSoProducersCanAddFields() {
    byte[] json = bytes("{\"sku\":\"a\",\"quantity\":1,\"colour\":\"red\"}");
    Sold sold = codec.decode(json, Sold.class);
    assertEquals(new Sold("a", 1, null), sold);
  }

  @Test
  void namesTheProblemOfBadInput() {
    assertProblem(Problem.EMPTY, new byte[0]);
    assertProblem(Problem.EMPTY, null);
    assertProblem(Problem.EMPTY, bytes("null"));
    assertProblem(Problem.MALFORMED, bytes("{not json"));
    assertProblem(Problem.MISMATCH, bytes("{\"sku\":\"a\",\"quantity\":\"many\"}"));
    assertProblem(Problem.MISMATCH, bytes("{\"sku\":\"a\",\"quantity\":null}"));
    assertProblem(Problem.MISMATCH, bytes("{\"sku\":\"a\",\"quantity\":1} {}"));
  }

  @Test
  void refusesInputLongerThanTheBoundBeforeParsingIt() {
    byte[] huge = new byte[JsonPayloadCodec.MAX_INPUT_BYTES + 1];
    Arrays.fill(huge, (byte) ' ');
    PayloadDecodingException error = assertProblem(Problem.TOO_LARGE, huge);
    assertTrue(error.getMessage().contains("16777217 bytes"), error.getMessage());
  }

  @Test
  void anUnwritablePayloadIsAnIllegalArgument() {
    IllegalArgumentException error =
        assertThrows(IllegalArgumentException.class, () -> codec.encode(new Object()));
    assertTrue(error.getMessage().contains("java.lang.Object"), error.getMessage());
  }

  @Test
  void usesTheCallersMapperAsConfigured() {
    ObjectMapper upper =
        new ObjectMapper()
            .findAndRegisterModules()
            .setPropertyNamingStrategy(PropertyNamingStrategies.UPPER_CAMEL_CASE);
    PayloadCodec mine = JsonPayloadCodec.create(upper);
    byte[] json = mine.encode(new Sold("pear", 3, null));
    assertArrayEquals(bytes("{\"Sku\":\"pear\",\"Quantity\":3,\"At\":null}"), json);
    assertEquals(new Sold("pear", 3, null), mine.decode(json, Sold.class));
    assertThrows(NullPointerException.class, () -> JsonPayloadCodec.create(null));
  }

  private PayloadDecodingException assertProblem(Problem problem, byte[] data) {
    PayloadDecodingException error =
        assertThrows(PayloadDecodingException.class, () -> codec.decode(data, Sold.class));
    assertEquals(problem, error.problem(), error.getMessage());
    return error;
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
