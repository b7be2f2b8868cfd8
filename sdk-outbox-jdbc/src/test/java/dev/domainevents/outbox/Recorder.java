package dev.domainevents.outbox;

import dev.domainevents.EventContext;
import dev.domainevents.EventEnvelope;
import dev.domainevents.spi.EventDispatcher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;

/** A handler that records every delivery, duplicates included, and checks them after dedupe. */
final class Recorder implements EventDispatcher {
  private final List<EventEnvelope> deliveries = new ArrayList<>();
  private final List<UUID> attemptsLog = new ArrayList<>();
  private volatile Predicate<EventContext> failWhen = context -> false;

  /** Makes the handler throw for the deliveries that match, after recording the attempt. */
  void failWhen(Predicate<EventContext> failWhen) {
    this.failWhen = failWhen;
  }

  @Override
  public Set<String> events() {
    return Set.of(Goods.SELL.name());
  }

  @Override
  public Map<String, Class<?>> topics() {
    return Map.of();
  }

  @Override
  public synchronized boolean dispatch(EventContext context) {
    attemptsLog.add(context.eventId());
    if (failWhen.test(context)) {
      throw new IllegalStateException("handler failed (simulated) on attempt " + context.attempt());
    }
    deliveries.add(context.envelope());
    notifyAll();
    return true;
  }

  /** How many times {@code eventId} was handed to the handler, failures included. */
  synchronized int calls(UUID eventId) {
    return (int) attemptsLog.stream().filter(eventId::equals).count();
  }

  synchronized List<EventEnvelope> deliveries() {
    return List.copyOf(deliveries);
  }

  /** The deliveries after dedupe by event id: first occurrences, in delivery order. */
  synchronized List<EventEnvelope> deduped() {
    Map<UUID, EventEnvelope> first = new LinkedHashMap<>();
    for (EventEnvelope event : deliveries) {
      first.putIfAbsent(event.eventId(), event);
    }
    return List.copyOf(first.values());
  }

  /** Waits until {@code count} distinct events arrived, for at most {@code timeout}. */
  synchronized List<EventEnvelope> awaitDistinct(int count, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (deduped().size() < count) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError(
            "expected "
                + count
                + " distinct events within "
                + timeout
                + ", got "
                + deduped().size());
      }
      wait(Math.max(1, left / 1_000_000));
    }
    return deduped();
  }

  /**
   * Asserts that, after dedupe, each aggregate's events arrived with seq 1, 2, 3, ... and returns
   * the number of aggregates.
   */
  synchronized int assertOrderPerAggregate() {
    Map<String, Integer> lastSeq = new HashMap<>();
    for (EventEnvelope event : deduped()) {
      Goods.Sold sold = (Goods.Sold) event.payload();
      int previous = lastSeq.getOrDefault(event.aggregateId(), 0);
      if (sold.seq() != previous + 1) {
        throw new AssertionError(
            "aggregate "
                + event.aggregateId()
                + ": event seq "
                + sold.seq()
                + " arrived after "
                + previous);
      }
      lastSeq.put(event.aggregateId(), sold.seq());
    }
    return lastSeq.size();
  }
}
