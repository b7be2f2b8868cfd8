package dev.domainevents.spi;

import java.util.UUID;

/** {@link DedupeStore#none()}. */
enum NoDedupeStore implements DedupeStore {
  INSTANCE;

  @Override
  public boolean contains(String consumerGroup, UUID eventId) {
    return false;
  }

  @Override
  public void add(String consumerGroup, UUID eventId) {}
}
