package dev.domainevents.outbox;

import dev.domainevents.EventEnvelope;
import dev.domainevents.spi.DomainEventInfra;
import dev.domainevents.spi.EventCatalog;
import dev.domainevents.spi.EventDispatcher;
import dev.domainevents.spi.PayloadCodec;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Wraps a real infra and can play a broker that is down: publishes then fail at once, or hang
 * without an acknowledgement. Counts the publish attempts of every event.
 */
final class SwitchableInfra implements DomainEventInfra {
  enum Mode {
    UP,
    FAILING,
    HANGING
  }

  private final DomainEventInfra delegate;
  private final Map<UUID, Integer> attempts = new ConcurrentHashMap<>();
  private volatile Mode mode = Mode.UP;

  SwitchableInfra(DomainEventInfra delegate) {
    this.delegate = delegate;
  }

  void mode(Mode mode) {
    this.mode = mode;
  }

  int attempts(UUID eventId) {
    return attempts.getOrDefault(eventId, 0);
  }

  @Override
  public void subscribe(EventDispatcher dispatcher) {
    delegate.subscribe(dispatcher);
  }

  @Override
  public void start(EventCatalog catalog) {
    delegate.start(catalog);
  }

  @Override
  public boolean shipsEncodedPayloads(PayloadCodec codec) {
    return delegate.shipsEncodedPayloads(codec);
  }

  @Override
  public CompletableFuture<Void> publish(List<EventEnvelope> events) {
    for (EventEnvelope event : events) {
      attempts.merge(event.eventId(), 1, Integer::sum);
    }
    switch (mode) {
      case FAILING:
        return CompletableFuture.failedFuture(
            new IllegalStateException("broker unreachable (simulated)"));
      case HANGING:
        return new CompletableFuture<>();
      default:
        return delegate.publish(events);
    }
  }

  @Override
  public void close() {
    delegate.close();
  }
}
