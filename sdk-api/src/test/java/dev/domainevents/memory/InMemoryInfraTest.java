package dev.domainevents.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.domainevents.EventEnvelope;
import dev.domainevents.EventType;
import dev.domainevents.spi.Envelopes;
import dev.domainevents.spi.EventCatalog;
import dev.domainevents.spi.EventDispatcher;
import dev.domainevents.spi.EventRegistry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class InMemoryInfraTest {
  private static final EventType<String> SHIPPED = EventType.of("Parcel:Shipped", String.class);

  private static InMemoryInfra started() {
    InMemoryInfra infra = new InMemoryInfra();
    infra.start(
        EventCatalog.of(
            new EventRegistry() {
              @Override
              public List<EventType<?>> eventTypes() {
                return List.of(SHIPPED);
              }

              @Override
              public EventDispatcher dispatcherFor(Object handler) {
                return null;
              }
            }));
    return infra;
  }

  @Test
  void rejectsAnEventNoRegistryOfItsCatalogKnows() {
    InMemoryInfra infra = started();
    EventEnvelope known = Envelopes.event("Parcel:Shipped", "p-1", "box", Map.of());
    EventEnvelope unknown = Envelopes.event("Parcel:Lost", "p-1", "box", Map.of());

    CompletableFuture<Void> future = infra.publish(List.of(known, unknown));

    ExecutionException error = assertThrows(ExecutionException.class, future::get);
    assertTrue(error.getCause() instanceof IllegalArgumentException, error.toString());
    assertTrue(
        error.getCause().getMessage().startsWith("unknown event \"Parcel:Lost\""),
        error.getCause().getMessage());
    assertTrue(infra.published().isEmpty(), "nothing of the batch is recorded or delivered");
  }

  @Test
  void acceptsKnownEventsAndPlainMessages() throws Exception {
    InMemoryInfra infra = started();
    EventEnvelope known = Envelopes.event("Parcel:Shipped", "p-1", "box", Map.of());
    EventEnvelope typed = Envelopes.event(SHIPPED, "p-2", "box", Map.of());
    EventEnvelope message = Envelopes.message("parcel-labels", "k", "label", Map.of());

    infra.publish(List.of(known, typed, message)).get();

    assertEquals(List.of(known, typed, message), infra.published());
  }
}
