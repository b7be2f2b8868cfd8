package dev.domainevents.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

class InstantHeaderTest {
  @Test
  void agreesWithInstantParseOnEveryPrecision() {
    for (String value :
        List.of(
            "2026-01-02T03:04:05Z",
            "2026-01-02T03:04:05.1Z",
            "2026-01-02T03:04:05.123Z",
            "2026-01-02T03:04:05.123456Z",
            "2026-01-02T03:04:05.123456789Z",
            "1970-01-01T00:00:00Z",
            "1969-12-31T23:59:59.999Z",
            "2024-02-29T12:00:00Z",
            "+12026-01-02T03:04:05Z")) {
      assertEquals(Instant.parse(value), InstantHeader.parse(value), value);
    }
    ThreadLocalRandom random = ThreadLocalRandom.current();
    for (int i = 0; i < 10_000; i++) {
      Instant instant =
          Instant.ofEpochSecond(random.nextLong(0, 10_000_000_000L), random.nextInt(1_000_000_000));
      assertEquals(instant, InstantHeader.parse(instant.toString()));
    }
  }

  @Test
  void formatWritesExactlyWhatInstantToStringWrites() {
    List<Instant> instants =
        List.of(
            Instant.EPOCH,
            Instant.parse("1969-12-31T23:59:59.999Z"),
            Instant.parse("2024-02-29T12:00:00.100Z"),
            Instant.parse("2026-01-02T03:04:05.000123Z"),
            Instant.parse("2026-01-02T03:04:05.000000007Z"),
            Instant.parse("0000-01-01T00:00:00Z"),
            Instant.parse("9999-12-31T23:59:59.999999999Z"),
            Instant.parse("+12026-01-02T03:04:05Z"),
            Instant.parse("-0001-06-30T12:00:00Z"));
    for (Instant instant : instants) {
      assertEquals(instant.toString(), ascii(InstantHeader.format(instant)));
    }
    ThreadLocalRandom random = ThreadLocalRandom.current();
    for (int i = 0; i < 10_000; i++) {
      Instant instant =
          Instant.ofEpochSecond(
              random.nextLong(-100_000_000_000L, 250_000_000_000L), random.nextInt(1_000_000_000));
      assertEquals(instant.toString(), ascii(InstantHeader.format(instant)));
      Instant millis = Instant.ofEpochMilli(random.nextLong(0, 4_000_000_000_000L));
      assertEquals(millis.toString(), ascii(InstantHeader.format(millis)));
      assertEquals(millis, InstantHeader.parse(ascii(InstantHeader.format(millis))));
    }
  }

  private static String ascii(byte[] bytes) {
    return new String(bytes, StandardCharsets.US_ASCII);
  }

  @Test
  void rejectsWhatIsNotAnInstant() {
    for (String value :
        List.of(
            "",
            "yesterday",
            "2026-13-02T03:04:05Z",
            "2026-02-30T03:04:05Z",
            "2026-01-02T24:04:05Z",
            "2026-01-02T03:04:05",
            "2026-01-02T03:04:0xZ",
            "2026-01-02T03:04:05.1234567890Z")) {
      assertThrows(DateTimeException.class, () -> InstantHeader.parse(value), value);
    }
  }

  @Test
  void readsTheWrittenFormFromItsBytesAndLeavesAnyOtherToTheText() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    for (int i = 0; i < 10_000; i++) {
      Instant instant =
          Instant.ofEpochSecond(
              random.nextLong(0, 250_000_000_000L), random.nextInt(1_000_000_000));
      assertEquals(instant, InstantHeader.parseWritten(InstantHeader.format(instant)));
    }
    for (String other :
        List.of(
            "",
            "yesterday",
            "+12026-01-02T03:04:05Z",
            "2026-01-02T03:04:05+01:00",
            "2026-01-02t03:04:05z",
            "2026-01-02T03:04:0xZ",
            "2026-01-02T24:04:05Z",
            "2026-01-02T03:04:05.1234567890Z",
            "2026-01-02T03:04:05.\u0661Z")) {
      assertNull(InstantHeader.parseWritten(other.getBytes(StandardCharsets.UTF_8)), other);
    }
    // The written form, with a day that does not exist: no text can make it an instant.
    assertThrows(
        DateTimeException.class,
        () ->
            InstantHeader.parseWritten("2026-02-30T03:04:05Z".getBytes(StandardCharsets.US_ASCII)));
  }
}
