package dev.domainevents.kafka;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collection;

/**
 * The names of the events a consumer's handlers take, looked up by the bytes of the {@link
 * EnvelopeHeaders#EVENT_NAME} header. A hit makes no string per record and hands out the dispatch
 * table's own instance, whose hash is cached and which the catalog and the generated dispatchers
 * match by identity; any other name is decoded as text and checked as before. Immutable once made,
 * so the consumers of one codec share it.
 */
final class HandledNames {
  private final byte[][] bytes;
  private final String[] names;
  private final int mask;
  private final int shift;

  HandledNames(Collection<String> handled) {
    int slots = Integer.highestOneBit(Math.max(1, handled.size()) * 4 - 1) * 2; // a quarter full
    this.bytes = new byte[slots][];
    this.names = new String[slots];
    this.mask = slots - 1;
    this.shift = Integer.numberOfLeadingZeros(slots) + 1; // 32 - log2(slots)
    for (String name : handled) {
      byte[] encoded = name.getBytes(StandardCharsets.UTF_8);
      if (encoded.length == 0) {
        continue;
      }
      int slot = slotOf(encoded);
      while (names[slot] != null) {
        slot = (slot + 1) & mask;
      }
      bytes[slot] = encoded;
      names[slot] = name;
    }
  }

  /** The handled name whose UTF-8 encoding is {@code value}, or {@code null}. */
  String find(byte[] value) {
    if (value.length == 0) {
      return null;
    }
    for (int slot = slotOf(value); names[slot] != null; slot = (slot + 1) & mask) {
      if (Arrays.equals(bytes[slot], value)) {
        return names[slot];
      }
    }
    return null;
  }

  /**
   * A few bytes, not all: names of one aggregate share their prefix, and the equality check settles
   * collisions.
   */
  private int slotOf(byte[] value) {
    int length = value.length;
    int hash = length;
    hash = 31 * hash + value[length - 1];
    hash = 31 * hash + value[length / 2];
    hash = 31 * hash + value[length * 3 / 4];
    return (hash * 0x9E3779B9) >>> shift; // Fibonacci hashing: the high bits are mixed
  }
}
