package dev.domainevents.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.domainevents.EventContext;
import dev.domainevents.EventEnvelope;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class DedupeStoreTest {
  private static EventContext context(UUID id) {
    return EventContext.of(
        new EventEnvelope(
            id, "Goods:Shopping", "Goods", "1", "p", Map.of(), Instant.EPOCH, "c", null, 1));
  }

  @Test
  void handleOnceRunsTheHandlingOnceAndRecordsItOnlyOnSuccess() throws Exception {
    DedupeStore store = DedupeStore.create(10);
    EventContext event = context(UUID.randomUUID());
    AtomicInteger runs = new AtomicInteger();
    Exception boom = new Exception("handler failed");

    Exception thrown =
        assertThrows(
            Exception.class,
            () ->
                store.handleOnce(
                    "g",
                    event,
                    c -> {
                      runs.incrementAndGet();
                      throw boom;
                    }));
    assertSame(boom, thrown, "the handling's failure comes back unchanged");
    assertFalse(store.contains("g", event.eventId()), "a failure is not recorded");

    assertTrue(store.handleOnce("g", event, c -> runs.incrementAndGet()));
    assertFalse(store.handleOnce("g", event, c -> runs.incrementAndGet()), "a duplicate");
    assertTrue(
        store.handleOnce("other", event, c -> runs.incrementAndGet()), "groups are separate");
    assertEquals(3, runs.get());
  }

  @Test
  void noneHandlesEveryDelivery() throws Exception {
    DedupeStore store = DedupeStore.none();
    EventContext event = context(UUID.randomUUID());
    assertTrue(store.handleOnce("g", event, c -> {}));
    assertTrue(store.handleOnce("g", event, c -> {}));
  }

  @Test
  void theInMemoryDedupeStoreForgetsTheOldestHandledBeyondItsBound() {
    InMemoryDedupeStore store = new InMemoryDedupeStore(3);
    UUID a = UUID.randomUUID();
    UUID b = UUID.randomUUID();
    UUID c = UUID.randomUUID();
    UUID d = UUID.randomUUID();
    store.add("g", a);
    store.add("g", b);
    store.add("g", b); // a second add of the same id takes no second slot
    assertTrue(store.contains("g", a));
    assertFalse(store.contains("other", a), "groups are separate");
    store.add("other", c);
    assertEquals(3, store.size());
    store.add("g", d); // evicts a, the oldest, across groups
    assertFalse(store.contains("g", a));
    assertTrue(store.contains("g", b));
    assertTrue(store.contains("other", c));
    assertTrue(store.contains("g", d));
    assertEquals(3, store.size());
    for (int i = 0; i < 10; i++) {
      store.add("g", UUID.randomUUID()); // wraps the ring several times
    }
    assertFalse(store.contains("g", d));
    assertFalse(store.contains("other", c));
    assertEquals(3, store.size());
  }

  @Test
  void theInMemoryDedupeStoreAgreesWithASimpleModelThroughGrowthAndEviction() {
    int max = 5_000;
    InMemoryDedupeStore store = new InMemoryDedupeStore(max);
    ArrayDeque<UUID> order = new ArrayDeque<>();
    Set<UUID> model = new HashSet<>();
    Random random = new Random(42);
    UUID[] seen = new UUID[4 * max];
    for (int i = 0; i < seen.length; i++) {
      // Few distinct high halves, so that ids collide in the table and probe runs get long.
      // and now and then the nil id, whose halves are both zero.
      UUID id = i % 997 == 0 ? new UUID(0, 0) : new UUID(random.nextInt(4), random.nextLong());
      seen[i] = id;
      store.add("g", id);
      if (model.add(id)) {
        order.addLast(id);
        if (order.size() > max) {
          model.remove(order.removeFirst());
        }
      }
      UUID probe = seen[random.nextInt(i + 1)];
      assertEquals(model.contains(probe), store.contains("g", probe), "after " + i + " adds");
    }
    for (UUID id : seen) {
      assertEquals(model.contains(id), store.contains("g", id));
    }
    assertEquals(max, store.size());
  }

  @Test
  void theInMemoryDedupeStoreRejectsABoundItCannotHold() {
    assertThrows(IllegalArgumentException.class, () -> new InMemoryDedupeStore(0));
    assertThrows(
        IllegalArgumentException.class,
        () -> new InMemoryDedupeStore(InMemoryDedupeStore.MAX_ENTRIES + 1));
  }
}
