package dev.domainevents.memory;

import dev.domainevents.Delivery;
import dev.domainevents.EventEnvelope;
import dev.domainevents.EventInterceptor;
import dev.domainevents.EventInterceptor.Outcome;
import dev.domainevents.EventInterceptors;
import dev.domainevents.spi.DispatchTable;
import dev.domainevents.spi.DomainEventInfra;
import dev.domainevents.spi.EventCatalog;
import dev.domainevents.spi.EventDispatcher;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An infra that keeps events in memory and delivers them to handlers synchronously, through the
 * generated dispatch tables. For unit tests, and as the embedded default.
 *
 * <p>{@link #publish} records the events, then delivers them in order before it returns. An event
 * published by a handler is queued and delivered after the current handler returns, as a broker
 * would, so handlers never nest. The future returned to the outermost publish completes
 * exceptionally if any handler failed while it was delivering; a nested publish's future completes
 * when its events are recorded. Every failure is also kept in {@link #failures()}.
 *
 * <p>Like Kafka, it rejects a domain event that no registry of its catalog knows: the future of
 * {@link #publish} fails with an {@link IllegalArgumentException}, and nothing of the batch is
 * recorded or delivered.
 *
 * <p>Thread-safe: concurrent publishers are delivered one at a time.
 */
public final class InMemoryInfra implements DomainEventInfra {
  private static final Logger log = LoggerFactory.getLogger(InMemoryInfra.class);
  private static final String SYSTEM = "memory";

  private final List<EventDispatcher> dispatchers = new ArrayList<>();
  private final ReentrantLock lock = new ReentrantLock();
  private final ArrayDeque<EventEnvelope> queue = new ArrayDeque<>();
  private final List<EventEnvelope> published = new ArrayList<>();
  private final List<Failure> failures = new ArrayList<>();
  private DispatchTable table;
  private EventCatalog catalog;
  private EventInterceptors interceptors = EventInterceptors.none();
  private boolean closed;

  /** Creates an in-memory infra with no subscribers. */
  public InMemoryInfra() {}

  /** A handler failure: the event, and what the handler threw. */
  public record Failure(EventEnvelope event, Throwable error) {}

  @Override
  public void subscribe(EventDispatcher dispatcher) {
    Objects.requireNonNull(dispatcher, "dispatcher");
    lock.lock();
    try {
      if (table != null) {
        throw new IllegalStateException("subscribe dispatchers before the infra is started");
      }
      dispatchers.add(dispatcher);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void start(EventCatalog catalog) {
    start(catalog, EventInterceptors.none());
  }

  /** Starts with {@code interceptors} around each publish and each delivery. */
  @Override
  public void start(EventCatalog catalog, EventInterceptors interceptors) {
    Objects.requireNonNull(catalog, "catalog");
    Objects.requireNonNull(interceptors, "interceptors");
    lock.lock();
    try {
      if (table != null) {
        throw new IllegalStateException("InMemoryInfra is already started");
      }
      this.catalog = catalog;
      this.interceptors = interceptors;
      this.table = DispatchTable.of(dispatchers, interceptors, SYSTEM);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public CompletableFuture<Void> publish(List<EventEnvelope> events) {
    Objects.requireNonNull(events, "events");
    EventInterceptors chain = interceptors;
    return !chain.interceptsPublishing()
        ? record(events)
        : chain.publishBatch(events, SYSTEM, this::interceptEach);
  }

  /** Runs each event through the interceptors' publish, then records the ones they passed on. */
  private CompletableFuture<Void> interceptEach(List<EventEnvelope> events) {
    List<EventEnvelope> passed = new ArrayList<>(events.size());
    List<CompletableFuture<Void>> outcomes = new ArrayList<>(events.size());
    for (EventEnvelope event : events) {
      outcomes.add(
          interceptors.publish(
              new EventInterceptor.Publication(event, SYSTEM, event.name()),
              envelope -> {
                passed.add(envelope);
                return CompletableFuture.completedFuture(null);
              }));
    }
    CompletableFuture<Void> recorded = record(passed);
    return CompletableFuture.allOf(outcomes.toArray(new CompletableFuture<?>[0]))
        .thenCombine(recorded, (a, b) -> null);
  }

  private CompletableFuture<Void> record(List<EventEnvelope> events) {
    lock.lock();
    try {
      if (table == null) {
        throw new IllegalStateException(
            "InMemoryInfra is not started; install it with DomainEvents.install(infra, ...)");
      }
      if (closed) {
        throw new IllegalStateException("InMemoryInfra is closed");
      }
      for (EventEnvelope event : events) {
        if (!isKnown(event)) {
          return CompletableFuture.failedFuture(unknown(event));
        }
      }
      published.addAll(events);
      queue.addAll(events);
      if (lock.getHoldCount() > 1) {
        // Published by a handler that is being called right now: the outer call delivers it.
        return CompletableFuture.completedFuture(null);
      }
      return deliverQueued();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Whether Kafka would accept {@code event}, so a test cannot pass where production fails: a
   * domain event that no registry of the catalog knows has no topic and no payload type.
   */
  private boolean isKnown(EventEnvelope event) {
    return event.type() != null
        || event.aggregateType().isEmpty()
        || catalog.find(event.name()) != null;
  }

  private static IllegalArgumentException unknown(EventEnvelope event) {
    return new IllegalArgumentException(
        "unknown event \""
            + event.name()
            + "\": no generated EventRegistry of the catalog"
            + " InMemoryInfra was started with registers it, so Kafka would reject it too. Is"
            + " the entity compiled with sdk-processor on the annotation processor path?");
  }

  private CompletableFuture<Void> deliverQueued() {
    Throwable firstFailure = null;
    EventEnvelope event;
    while ((event = queue.poll()) != null) {
      Delivery delivery = Delivery.of(event, 1, SYSTEM, event.name(), null, -1, -1);
      long start = System.nanoTime();
      try {
        table.dispatch(delivery);
        interceptors.outcome(delivery, Outcome.HANDLED, null, System.nanoTime() - start);
      } catch (Exception | AssertionError e) {
        interceptors.outcome(delivery, Outcome.DEAD_LETTERED, e, System.nanoTime() - start);
        log.warn("handler of {} ({}) failed", event.name(), event.eventId(), e);
        failures.add(new Failure(event, e));
        if (firstFailure == null) {
          firstFailure = e;
        }
      }
    }
    return firstFailure == null
        ? CompletableFuture.completedFuture(null)
        : CompletableFuture.failedFuture(firstFailure);
  }

  /** Every event published so far, in publish order. */
  public List<EventEnvelope> published() {
    lock.lock();
    try {
      return List.copyOf(published);
    } finally {
      lock.unlock();
    }
  }

  /** The handler failures so far, in order. */
  public List<Failure> failures() {
    lock.lock();
    try {
      return Collections.unmodifiableList(new ArrayList<>(failures));
    } finally {
      lock.unlock();
    }
  }

  /** Forgets the published events and failures recorded so far. */
  public void reset() {
    lock.lock();
    try {
      published.clear();
      failures.clear();
    } finally {
      lock.unlock();
    }
  }

  /** The catalog this infra was started with, or {@code null} before {@link #start}. */
  public EventCatalog catalog() {
    return catalog;
  }

  @Override
  public void close() {
    lock.lock();
    try {
      closed = true;
      queue.clear();
    } finally {
      lock.unlock();
    }
  }
}
