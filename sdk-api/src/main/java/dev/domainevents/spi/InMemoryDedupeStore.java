package dev.domainevents.spi;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * {@link DedupeStore#create(int)}: the ids of the last {@code maxEntries} handled events, per
 * group, forgetting the oldest first.
 *
 * <p>It sits on the consume path, once per record. Ids are kept as their two {@code long} halves in
 * an open-addressing table per group, and eviction order in ring arrays: a lookup reads two arrays
 * and allocates nothing, and an add allocates nothing once the table has grown. (A {@code
 * HashSet<UUID>} cost a node per add, its resizes, and a pointer chase per probe: about a tenth of
 * the consumer thread.)
 */
final class InMemoryDedupeStore implements DedupeStore {
  /** The most ids one table holds while staying at most half full. */
  static final int MAX_ENTRIES = 1 << 28;

  private final Map<String, IdTable> handledByGroup = new HashMap<>();
  private final IdTable[] ringTables;
  private final long[] ringMost;
  private final long[] ringLeast;
  private final int maxEntries;
  private int oldest;
  private int size;

  InMemoryDedupeStore(int maxEntries) {
    if (maxEntries < 1) {
      throw new IllegalArgumentException("maxEntries must be >= 1, was " + maxEntries);
    }
    if (maxEntries > MAX_ENTRIES) {
      throw new IllegalArgumentException(
          "maxEntries must be <= " + MAX_ENTRIES + ", was " + maxEntries);
    }
    this.maxEntries = maxEntries;
    this.ringTables = new IdTable[maxEntries];
    this.ringMost = new long[maxEntries];
    this.ringLeast = new long[maxEntries];
  }

  @Override
  public synchronized boolean contains(String consumerGroup, UUID eventId) {
    IdTable handled = handledByGroup.get(consumerGroup);
    return handled != null
        && handled.contains(eventId.getMostSignificantBits(), eventId.getLeastSignificantBits());
  }

  @Override
  public synchronized void add(String consumerGroup, UUID eventId) {
    Objects.requireNonNull(consumerGroup, "consumerGroup");
    Objects.requireNonNull(eventId, "eventId");
    long most = eventId.getMostSignificantBits();
    long least = eventId.getLeastSignificantBits();
    IdTable table = handledByGroup.computeIfAbsent(consumerGroup, group -> new IdTable(maxEntries));
    if (!table.add(most, least)) {
      return; // already remembered, e.g. handled by two consumers of this process at once
    }
    int slot;
    if (size == maxEntries) {
      slot = oldest;
      ringTables[slot].remove(ringMost[slot], ringLeast[slot]);
      oldest = (oldest + 1) % maxEntries;
    } else {
      slot = (oldest + size) % maxEntries;
      size++;
    }
    ringTables[slot] = table;
    ringMost[slot] = most;
    ringLeast[slot] = least;
  }

  synchronized int size() {
    return size;
  }

  /**
   * A set of ids by linear probing, at most half full, grown by doubling up to what {@code
   * maxEntries} ids need; removal shifts the probe run back, so there are no tombstones. Both
   * halves of an id sit side by side in one array, so a probe touches one cache line; a slot of two
   * zeros is empty, and the nil id, which would look like one, is kept in a flag.
   */
  private static final class IdTable {
    private static final int FIRST_CAPACITY = 1 << 10;

    private final int maxCapacity;
    private long[] slots; // id i at 2i (most significant half) and 2i + 1
    private int mask;
    private int shift;
    private boolean nil;
    private int size;

    IdTable(int maxEntries) {
      // At most half full when it holds maxEntries: a probe run stays short.
      long needed = Long.highestOneBit(Math.max(1, maxEntries - 1)) << 2;
      this.maxCapacity = (int) Math.min(needed, 1 << 29);
      allocate(Math.min(FIRST_CAPACITY, maxCapacity));
    }

    private void allocate(int capacity) {
      slots = new long[capacity * 2];
      mask = capacity - 1;
      shift = Long.numberOfLeadingZeros(capacity) + 1; // 64 - log2(capacity)
    }

    private int home(long m, long l) {
      long h = (m ^ l) * 0x9E3779B97F4A7C15L; // Fibonacci hashing: the high bits are mixed
      return (int) (h >>> shift);
    }

    private boolean empty(int i) {
      return slots[2 * i] == 0 && slots[2 * i + 1] == 0;
    }

    boolean contains(long m, long l) {
      if (m == 0 && l == 0) {
        return nil;
      }
      for (int i = home(m, l); !empty(i); i = (i + 1) & mask) {
        if (slots[2 * i] == m && slots[2 * i + 1] == l) {
          return true;
        }
      }
      return false;
    }

    /** Adds the id; returns {@code false} if it was there already. */
    boolean add(long m, long l) {
      if (m == 0 && l == 0) {
        boolean added = !nil;
        nil = true;
        return added;
      }
      int i = home(m, l);
      for (; !empty(i); i = (i + 1) & mask) {
        if (slots[2 * i] == m && slots[2 * i + 1] == l) {
          return false;
        }
      }
      slots[2 * i] = m;
      slots[2 * i + 1] = l;
      size++;
      if (size * 2 > mask + 1 && mask + 1 < maxCapacity) {
        grow();
      }
      return true;
    }

    void remove(long m, long l) {
      if (m == 0 && l == 0) {
        nil = false;
        return;
      }
      int i = home(m, l);
      while (true) {
        if (empty(i)) {
          return;
        }
        if (slots[2 * i] == m && slots[2 * i + 1] == l) {
          break;
        }
        i = (i + 1) & mask;
      }
      // Shift later entries of the run back into the hole when their home is not after it.
      int hole = i;
      for (int j = (hole + 1) & mask; !empty(j); j = (j + 1) & mask) {
        int k = home(slots[2 * j], slots[2 * j + 1]);
        boolean stays = hole <= j ? hole < k && k <= j : hole < k || k <= j;
        if (!stays) {
          slots[2 * hole] = slots[2 * j];
          slots[2 * hole + 1] = slots[2 * j + 1];
          hole = j;
        }
      }
      slots[2 * hole] = 0;
      slots[2 * hole + 1] = 0;
      size--;
    }

    private void grow() {
      long[] old = slots;
      allocate((mask + 1) * 2);
      for (int i = 0; i < old.length; i += 2) {
        long m = old[i];
        long l = old[i + 1];
        if (m != 0 || l != 0) {
          int j = home(m, l);
          while (!empty(j)) {
            j = (j + 1) & mask;
          }
          slots[2 * j] = m;
          slots[2 * j + 1] = l;
        }
      }
    }
  }
}
