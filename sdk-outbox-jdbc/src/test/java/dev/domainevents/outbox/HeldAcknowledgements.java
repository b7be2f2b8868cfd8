package dev.domainevents.outbox;

import dev.domainevents.EventEnvelope;
import dev.domainevents.spi.DomainEventInfra;
import dev.domainevents.spi.EventCatalog;
import dev.domainevents.spi.EventDispatcher;
import dev.domainevents.spi.PayloadCodec;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Wraps a real infra and holds back each publish's acknowledgement until the next publish begins,
 * or until a second passed: a relay that waits for each acknowledgement before it claims again thus
 * waits a second per batch, and one that publishes its next batch first does not. Counts the
 * publishes that began while an earlier one was still unacknowledged.
 */
final class HeldAcknowledgements implements DomainEventInfra {
  private final DomainEventInfra delegate;
  private CompletableFuture<Void> held; // guarded by this
  private int overlapping; // guarded by this

  HeldAcknowledgements(DomainEventInfra delegate) {
    this.delegate = delegate;
  }

  synchronized int overlapping() {
    return overlapping;
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
    CompletableFuture<Void> sent = delegate.publish(events);
    CompletableFuture<Void> released = new CompletableFuture<>();
    released.completeOnTimeout(null, 1, TimeUnit.SECONDS);
    synchronized (this) {
      if (held != null && !held.isDone()) {
        overlapping++;
        held.complete(null);
      }
      held = released;
    }
    return sent.thenCombine(released, (ignored, alsoIgnored) -> null);
  }

  @Override
  public void close() {
    delegate.close();
  }
}
