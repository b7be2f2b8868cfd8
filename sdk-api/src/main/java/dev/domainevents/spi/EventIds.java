package dev.domainevents.spi;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Generates event ids: RFC 9562 version 7 UUIDs, strictly increasing within this JVM.
 *
 * <p>The 48-bit millisecond timestamp is followed by a 12-bit counter (the RFC's "fixed-length
 * dedicated counter"), so ids raised in the same millisecond still sort in raise order. When the
 * counter overflows, the timestamp part runs ahead of the clock by a millisecond rather than
 * repeating or reordering. The remaining 62 bits are random.
 */
final class EventIds {
  private static final AtomicLong LAST = new AtomicLong();

  private EventIds() {}

  /** Returns a new, unique, time-ordered id. */
  static UUID next() {
    long candidate = System.currentTimeMillis() << 12;
    long stamp;
    long previous;
    do {
      previous = LAST.get();
      stamp = Math.max(candidate, previous + 1);
    } while (!LAST.compareAndSet(previous, stamp));

    long millis = stamp >>> 12;
    long counter = stamp & 0xFFFL;
    long mostSignificant = (millis << 16) | 0x7000L | counter;
    long leastSignificant =
        (ThreadLocalRandom.current().nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
    return new UUID(mostSignificant, leastSignificant);
  }

  /** Returns the millisecond timestamp embedded in a version 7 id. */
  static long timestampMillis(UUID id) {
    if (id.version() != 7) {
      throw new IllegalArgumentException("not a version 7 UUID: " + id);
    }
    return id.getMostSignificantBits() >>> 16;
  }
}
