package dev.domainevents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.domainevents.Fixtures.Goods;
import dev.domainevents.Fixtures.GoodsEvents;
import dev.domainevents.Fixtures.Registry;
import dev.domainevents.spi.EventCatalog;
import dev.domainevents.spi.EventDispatcher;
import dev.domainevents.spi.EventRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventBatchTest {
  private final EventCatalog catalog = EventCatalog.of(new Registry());

  @Test
  void mergesEntitiesInRaiseOrder() {
    Goods first = new Goods(1);
    Goods second = new Goods(2);
    second.shopping(1);
    first.shopping(1);
    second.restock();
    first.restock();

    EventBatch batch = EventBatch.of(catalog, first, second);

    assertEquals(
        List.of("2", "1", "2", "1"),
        batch.events().stream().map(EventEnvelope::aggregateId).toList());
  }

  @Test
  void anEntityPassedTwiceIsTakenOnce() {
    Goods goods = new Goods(1);
    goods.shopping(1);
    goods.restock();

    EventBatch batch = EventBatch.of(catalog, goods, goods);

    assertEquals(2, batch.events().size());
    batch.clear();
    assertTrue(goods.pendingEvents().isEmpty());
  }

  @Test
  void stampsTheCatalogVersionCopyingOnlyWhatDiffers() {
    Goods goods = new Goods(1);
    goods.restock(); // raised through its constant: version 1, as registered
    goods.shopping(1); // raised by name with version 1; the catalog registers version 3
    EventEnvelope restock = goods.pendingEvents().get(0);

    List<EventEnvelope> events = EventBatch.of(catalog, goods).events();

    assertSame(restock, events.get(0), "an event whose version agrees is not copied");
    assertEquals(3, events.get(1).schemaVersion());
    assertSame(GoodsEvents.SHOPPING, events.get(1).type(), "the lookup is kept for the infra");
    assertEquals(1, EventBatch.of(null, goods).events().get(1).schemaVersion(), "no catalog");
    assertEquals(1, goods.pendingEvents().get(1).schemaVersion(), "the entity is not changed");
  }

  @Test
  void anEventRaisedThroughItsTypeIsNotLookedUpAgain() {
    Goods goods = new Goods(1);
    goods.restock();
    // A catalog that disagrees with the constant cannot come from the processor (the constant and
    // the registry are generated together); it shows the batch trusts the type the event carries.
    EventCatalog other =
        EventCatalog.of(
            new SingleTypeRegistry(
                EventType.of("Goods:Restock", Fixtures.Restocked.class, "goods.restock", 2)));

    EventEnvelope event = EventBatch.of(other, goods).events().get(0);

    assertEquals(1, event.schemaVersion());
    assertSame(GoodsEvents.RESTOCK, event.type());
  }

  @Test
  void entitiesKeepTheirEventsUntilTheBatchIsCleared() {
    Goods goods = new Goods(1);
    goods.shopping(1);
    EventBatch batch = EventBatch.of(catalog, goods);
    assertEquals(1, goods.pendingEvents().size(), "taking a batch changes nothing");

    // E.g. an outbox whose insert failed: the caller never clears, and a later batch retries.
    assertEquals(batch.events(), EventBatch.of(catalog, goods).events());

    goods.restock(); // raised after the batch was taken
    batch.clear();
    assertEquals(1, batch.events().size(), "the batch is a snapshot");
    assertEquals(1, goods.pendingEvents().size(), "a later event stays pending");
    assertEquals("Goods:Restock", goods.pendingEvents().get(0).name());
    batch.clear();
    assertEquals(1, goods.pendingEvents().size(), "clearing twice has no further effect");
  }

  @Test
  void takesAUnitOfWork() {
    UnitOfWork work = DomainEvents.unitOfWork();
    Goods first = work.track(new Goods(1));
    Goods second = work.track(new Goods(2));
    second.shopping(1);
    first.shopping(1);

    EventBatch batch = EventBatch.of(catalog, work);
    assertEquals(
        List.of("2", "1"), batch.events().stream().map(EventEnvelope::aggregateId).toList());
    assertEquals(3, batch.events().get(0).schemaVersion());
    batch.clear();
    assertTrue(work.pendingEvents().isEmpty());
  }

  @Test
  void nullEntitiesAreRejectedByName() {
    var error =
        assertThrows(NullPointerException.class, () -> EventBatch.of(catalog, new Goods(1), null));
    assertEquals("entity", error.getMessage());
  }

  private record SingleTypeRegistry(EventType<?> type) implements EventRegistry {
    @Override
    public List<EventType<?>> eventTypes() {
      return List.of(type);
    }

    @Override
    public EventDispatcher dispatcherFor(Object handler) {
      return null;
    }
  }
}
