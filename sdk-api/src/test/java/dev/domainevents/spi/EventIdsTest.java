package dev.domainevents.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;

class EventIdsTest {
  @Test
  void idsAreVersion7WithTheRfcVariant() {
    UUID id = EventIds.next();
    assertEquals(7, id.version());
    assertEquals(2, id.variant());
  }

  @Test
  void idsStrictlyIncreaseInGenerationOrder() {
    List<UUID> ids = new ArrayList<>();
    for (int i = 0; i < 20_000; i++) {
      ids.add(EventIds.next());
    }
    for (int i = 1; i < ids.size(); i++) {
      assertTrue(
          ids.get(i - 1).compareTo(ids.get(i)) < 0,
          "id " + i + " does not sort after its predecessor");
    }
  }

  @Test
  void idsAreUniqueAcrossThreads() throws InterruptedException {
    ConcurrentLinkedQueue<UUID> ids = new ConcurrentLinkedQueue<>();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      Thread thread =
          new Thread(
              () -> {
                for (int i = 0; i < 10_000; i++) {
                  ids.add(EventIds.next());
                }
              });
      thread.start();
      threads.add(thread);
    }
    for (Thread thread : threads) {
      thread.join();
    }
    Set<UUID> unique = new HashSet<>(ids);
    assertEquals(40_000, unique.size());
  }

  @Test
  void timestampIsTheGenerationTime() {
    long before = System.currentTimeMillis();
    UUID id = EventIds.next();
    long after = System.currentTimeMillis();
    long stamp = EventIds.timestampMillis(id);
    // The counter may borrow at most a few milliseconds from the future under heavy load.
    assertTrue(stamp >= before && stamp <= after + 5, "stamp " + stamp);
  }

  @Test
  void timestampOfANonVersion7IdIsRejected() {
    assertThrows(IllegalArgumentException.class, () -> EventIds.timestampMillis(UUID.randomUUID()));
  }
}
