package dev.domainevents.kafka;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;

/**
 * Parses the {@link EnvelopeHeaders#OCCURRED_AT} header. The SDK writes {@link Instant#toString()}
 * ({@code 2026-01-02T03:04:05.123456Z}); that shape is parsed by hand, because {@link
 * Instant#parse} allocates about a kilobyte per call on the consume path. Anything else falls back
 * to {@link Instant#parse}.
 */
final class InstantHeader {
  private InstantHeader() {}

  /**
   * Returns the instant {@code value} denotes.
   *
   * @throws DateTimeException if it is not an ISO-8601 instant
   */
  static Instant parse(String value) {
    int length = value.length();
    if (length < 20
        || length > 30
        || length == 21
        || value.charAt(4) != '-'
        || value.charAt(7) != '-'
        || value.charAt(10) != 'T'
        || value.charAt(13) != ':'
        || value.charAt(16) != ':'
        || value.charAt(length - 1) != 'Z'
        || (length > 20 && value.charAt(19) != '.')) {
      return Instant.parse(value);
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
    if (year < 0 || month < 0 || day < 0 || hour < 0 || hour > 23 || minute < 0 || minute > 59
        || second < 0 || second > 59 || nanos < 0) {
      return Instant.parse(value); // not digits where digits belong: let it explain the problem
    }
    long epochDay = LocalDate.of(year, month, day).toEpochDay();
    return Instant.ofEpochSecond(epochDay * 86_400 + hour * 3_600L + minute * 60L + second, nanos);
  }

  /** The decimal number in {@code value[from, to)}, or -1 if a character is not a digit. */
  private static int digits(String value, int from, int to) {
    int result = 0;
    for (int i = from; i < to; i++) {
      char c = value.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      result = result * 10 + (c - '0');
    }
    return result;
  }
}
