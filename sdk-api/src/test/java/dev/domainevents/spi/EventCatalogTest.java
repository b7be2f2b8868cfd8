package dev.domainevents.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.domainevents.EventType;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventCatalogTest {
  record Shopping(String item) {}

  record Restocked(int count) {}

  record Other(String text) {}

  static final EventType<Shopping> SHOPPING =
      EventType.of("Goods:Shopping", Shopping.class, "goods", 1);
  static final EventType<Restocked> RESTOCK =
      EventType.of("Goods:Restock", Restocked.class, "goods", 2);

  /** Lists its events as the generated registry does, and records which types were asked for. */
  static class ListingRegistry implements EventRegistry {
    final List<EventType<?>> types;
    final List<Integer> asked = new ArrayList<>();

    ListingRegistry(EventType<?>... types) {
      this.types = List.of(types);
    }

    @Override
    public List<EventType<?>> eventTypes() {
      throw new AssertionError("the catalog read every type at once");
    }

    @Override
    public List<Entry> entries() {
      List<Entry> entries = new ArrayList<>();
      for (EventType<?> type : types) {
        entries.add(new Entry(type.name(), type.topic()));
      }
      return entries;
    }

    @Override
    public EventType<?> eventType(int index) {
      asked.add(index);
      return types.get(index);
    }

    @Override
    public EventDispatcher dispatcherFor(Object handler) {
      return null;
    }
  }

  @Test
  void namesAndTopicsAreKnownBeforeAnyTypeIsLoaded() {
    ListingRegistry registry = new ListingRegistry(RESTOCK, SHOPPING);
    EventCatalog catalog = EventCatalog.of(registry);

    assertEquals(List.of("Goods:Restock", "Goods:Shopping"), List.copyOf(catalog.names()));
    assertEquals("goods", catalog.topicOf("Goods:Shopping"));
    assertNull(catalog.topicOf("Goods:Unknown"));
    assertTrue(registry.asked.isEmpty(), "asked for " + registry.asked);
  }

  @Test
  void aTypeIsLoadedOnceWhenFirstFound() {
    ListingRegistry registry = new ListingRegistry(RESTOCK, SHOPPING);
    EventCatalog catalog = EventCatalog.of(registry);

    assertSame(SHOPPING, catalog.find("Goods:Shopping"));
    assertSame(SHOPPING, catalog.require("Goods:Shopping"));
    assertNull(catalog.find("Goods:Unknown"));

    assertEquals(List.of(1), registry.asked);
    assertEquals(List.of(RESTOCK, SHOPPING), List.copyOf(catalog.eventTypes()));
    assertEquals(List.of(1, 0), registry.asked);
  }

  @Test
  void aRegistryWhoseTypeDisagreesWithItsListingIsRefusedByName() {
    ListingRegistry registry =
        new ListingRegistry(RESTOCK, SHOPPING) {
          @Override
          public EventType<?> eventType(int index) {
            return types.get(1 - index);
          }
        };
    EventCatalog catalog = EventCatalog.of(registry);

    IllegalStateException refused =
        assertThrows(IllegalStateException.class, () -> catalog.find("Goods:Shopping"));
    assertTrue(
        refused.getMessage().contains("lists \"Goods:Shopping\" on topic goods at 1")
            && refused.getMessage().contains("has \"Goods:Restock\""),
        refused.getMessage());
  }

  @Test
  void oneNameWithTwoPayloadsIsRefusedWhenTheCatalogLoads() {
    EventType<Other> clash = EventType.of("Goods:Shopping", Other.class, "goods", 1);

    IllegalStateException refused =
        assertThrows(
            IllegalStateException.class,
            () -> EventCatalog.of(new ListingRegistry(SHOPPING), new ListingRegistry(clash)));
    assertTrue(refused.getMessage().contains("registered twice"), refused.getMessage());
    assertTrue(refused.getMessage().contains(Other.class.getName()), refused.getMessage());
  }

  @Test
  void theSameTypeFromTwoRegistriesIsOneEvent() {
    EventCatalog catalog =
        EventCatalog.of(new ListingRegistry(SHOPPING), new ListingRegistry(SHOPPING, RESTOCK));

    assertEquals(List.of("Goods:Shopping", "Goods:Restock"), List.copyOf(catalog.names()));
    assertSame(SHOPPING, catalog.find("Goods:Shopping"));
  }

  @Test
  void aHandWrittenRegistryListsItsTypesByDefault() {
    EventRegistry handWritten =
        new EventRegistry() {
          @Override
          public List<EventType<?>> eventTypes() {
            return List.of(SHOPPING);
          }

          @Override
          public EventDispatcher dispatcherFor(Object handler) {
            return null;
          }
        };

    EventCatalog catalog = EventCatalog.of(handWritten);

    assertEquals("goods", catalog.topicOf("Goods:Shopping"));
    assertSame(SHOPPING, catalog.find("Goods:Shopping"));
  }
}
