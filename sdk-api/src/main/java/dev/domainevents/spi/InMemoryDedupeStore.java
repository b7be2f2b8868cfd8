package dev.domainevents.spi;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * {@link DedupeStore#create(int)}: the ids of the last {@code maxEntries} handled events, per
 * group, forgetting the oldest first.
 *
 * <p>It sits on the consume path, once per record: a lookup is a hash probe with no allocation, and
 * eviction order is kept in two ring arrays rather than in linked entries.
 */
final class InMemoryDedupeStore implements DedupeStore {
  private final Map<String, Set<UUID>> handledByGroup = new HashMap<>();
  private final String[] ringGroups;
  private final UUID[] ringIds;
  private int oldest;
  private int size;

  InMemoryDedupeStore(int maxEntries) {
    if (maxEntries < 1) {
      throw new IllegalArgumentException("maxEntries must be >= 1, was " + maxEntries);
    }
    this.ringGroups = new String[maxEntries];
    this.ringIds = new UUID[maxEntries];
  }

  @Override
  public synchronized boolean contains(String consumerGroup, UUID eventId) {
    Set<UUID> handled = handledByGroup.get(consumerGroup);
    return handled != null && handled.contains(eventId);
  }

  @Override
  public synchronized void add(String consumerGroup, UUID eventId) {
    Objects.requireNonNull(consumerGroup, "consumerGroup");
    Objects.requireNonNull(eventId, "eventId");
    if (!handledByGroup.computeIfAbsent(consumerGroup, group -> new HashSet<>()).add(eventId)) {
      return; // already remembered, e.g. handled by two consumers of this process at once
    }
    int slot;
    if (size == ringIds.length) {
      slot = oldest;
      handledByGroup.get(ringGroups[slot]).remove(ringIds[slot]);
      oldest = (oldest + 1) % ringIds.length;
    } else {
      slot = (oldest + size) % ringIds.length;
      size++;
    }
    ringGroups[slot] = consumerGroup;
    ringIds[slot] = eventId;
  }

  synchronized int size() {
    return size;
  }
}
