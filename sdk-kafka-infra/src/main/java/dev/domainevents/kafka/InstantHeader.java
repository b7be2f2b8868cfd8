package dev.domainevents.kafka;

import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;

/**
 * Writes and parses the {@link EnvelopeHeaders#OCCURRED_AT} header: the text of {@link
 * Instant#toString()} ({@code 2026-01-02T03:04:05.123456Z}), by hand, because {@link Instant#parse}
 * allocates about a kilobyte per call on the consume path and {@link Instant#toString()} goes
 * through a {@code DateTimeFormatter} on the publish path. Years outside 0000 to 9999, and any
 * other shape, fall back to the JDK.
 */
final class InstantHeader {
  private InstantHeader() {}

  /** Returns the UTF-8 bytes of {@code instant.toString()}. */
  static byte[] format(Instant instant) {
    long seconds = instant.getEpochSecond();
    int nanos = instant.getNano();
    long day = Math.floorDiv(seconds, 86_400L);
    int secondOfDay = (int) Math.floorMod(seconds, 86_400L);
    LocalDate date = LocalDate.ofEpochDay(day);
    int year = date.getYear();
    if (year < 0 || year > 9999) {
      return instant.toString().getBytes(StandardCharsets.US_ASCII);
    }
    // As Instant.toString: no fraction, or 3, 6 or 9 digits, whichever shows every non-zero one.
    int fractionDigits = nanos == 0 ? 0 : nanos % 1_000_000 == 0 ? 3 : nanos % 1_000 == 0 ? 6 : 9;
    byte[] out = new byte[20 + (fractionDigits == 0 ? 0 : fractionDigits + 1)];
    put(out, 0, year, 4);
    out[4] = '-';
    put(out, 5, date.getMonthValue(), 2);
    out[7] = '-';
    put(out, 8, date.getDayOfMonth(), 2);
    out[10] = 'T';
    put(out, 11, secondOfDay / 3600, 2);
    out[13] = ':';
    put(out, 14, secondOfDay / 60 % 60, 2);
    out[16] = ':';
    put(out, 17, secondOfDay % 60, 2);
    if (fractionDigits > 0) {
      out[19] = '.';
      int fraction = nanos;
      for (int i = 9; i > fractionDigits; i--) {
        fraction /= 10;
      }
      put(out, 20, fraction, fractionDigits);
    }
    out[out.length - 1] = 'Z';
    return out;
  }

  private static void put(byte[] out, int at, int value, int digits) {
    for (int i = at + digits - 1; i >= at; i--) {
      out[i] = (byte) ('0' + value % 10);
      value /= 10;
    }
  }

  /**
   * Returns the instant {@code value} denotes.
   *
   * @throws DateTimeException if it is not an ISO-8601 instant
   */
  static Instant parse(String value) {
    // A character outside Latin-1 becomes '?', which no position of the written form accepts.
    Instant written = parseWritten(value.getBytes(StandardCharsets.ISO_8859_1));
    return written != null ? written : Instant.parse(value);
  }

  /**
   * Returns the instant the header's bytes denote when they have the form {@link #format} writes,
   * years 0000 to 9999 with no, or up to nine, fraction digits; otherwise {@code null}, and the
   * caller decodes the text and lets {@link #parse(String)} accept or explain it. Reading the bytes
   * spares the consume path a string per record.
   *
   * @throws DateTimeException if the form is right but the date does not exist (February 30th)
   */
  static Instant parseWritten(byte[] value) {
    int length = value.length;
    if (length < 20
        || length > 30
        || length == 21
        || value[4] != '-'
        || value[7] != '-'
        || value[10] != 'T'
        || value[13] != ':'
        || value[16] != ':'
        || value[length - 1] != 'Z'
        || (length > 20 && value[19] != '.')) {
      return null;
    }
    int year = digits(value, 0, 4);
    int month = digits(value, 5, 7);
    int day = digits(value, 8, 10);
    int hour = digits(value, 11, 13);
    int minute = digits(value, 14, 16);
    int second = digits(value, 17, 19);
    int nanos = 0;
    if (length > 20) {
      int fractionDigits = length - 21;
      nanos = digits(value, 20, length - 1);
      for (int i = fractionDigits; i < 9; i++) {
        nanos *= 10;
      }
    }
    if (year < 0
        || month < 0
        || day < 0
        || hour < 0
        || hour > 23
        || minute < 0
        || minute > 59
        || second < 0
        || second > 59
        || nanos < 0) {
      return null; // not digits where digits belong: let Instant.parse explain the problem
    }
    long epochDay = LocalDate.of(year, month, day).toEpochDay();
    return Instant.ofEpochSecond(epochDay * 86_400 + hour * 3_600L + minute * 60L + second, nanos);
  }

  /** The decimal number in {@code value[from, to)}, or -1 if a byte is not an ASCII digit. */
  private static int digits(byte[] value, int from, int to) {
    int result = 0;
    for (int i = from; i < to; i++) {
      int c = value[i];
      if (c < '0' || c > '9') {
        return -1;
      }
      result = result * 10 + (c - '0');
    }
    return result;
  }
}
