package dev.domainevents.kafka;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/** {@link DedupeStore#create(int)}: a synchronized LRU map of (group, event id). */
final class InMemoryDedupeStore implements DedupeStore {
  private final int maxEntries;
  private final LinkedHashMap<Key, Boolean> entries;

  InMemoryDedupeStore(int maxEntries) {
    if (maxEntries < 1) {
      throw new IllegalArgumentException("maxEntries must be >= 1, was " + maxEntries);
    }
    this.maxEntries = maxEntries;
    this.entries =
        new LinkedHashMap<>(Math.min(maxEntries, 1 << 16), 0.75f, true) {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(Map.Entry<Key, Boolean> eldest) {
            return size() > InMemoryDedupeStore.this.maxEntries;
          }
        };
  }

  @Override
  public synchronized boolean contains(String consumerGroup, UUID eventId) {
    return entries.get(new Key(consumerGroup, eventId)) != null;
  }

  @Override
  public synchronized void add(String consumerGroup, UUID eventId) {
    entries.put(
        new Key(
            Objects.requireNonNull(consumerGroup, "consumerGroup"),
            Objects.requireNonNull(eventId, "eventId")),
        Boolean.TRUE);
  }

  synchronized int size() {
    return entries.size();
  }

  private record Key(String group, UUID eventId) {}
}
