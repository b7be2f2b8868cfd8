package dev.domainevents.opentelemetry;

import dev.domainevents.DomainEvents;
import dev.domainevents.EventContext;
import dev.domainevents.EventEnvelope;
import dev.domainevents.EventType;
import dev.domainevents.spi.EventDispatcher;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

/**
 * A handler, like a generated dispatcher: for each shipped parcel it labels the parcel, raising
 * {@code Parcel:Labelled} from inside the handler; a box named "poison" fails. It records what each
 * handler saw: the envelope, the current span and the baggage.
 */
final class Shipping implements EventDispatcher {
  /** What one handler call saw. */
  record Seen(EventEnvelope envelope, SpanContext span, Baggage baggage) {}

  private final EventType<Parcel.Shipped> shipped;
  private final EventType<Parcel.Labelled> labelled;
  final List<Seen> seen = new CopyOnWriteArrayList<>();
  final CountDownLatch labels;

  Shipping(EventType<Parcel.Shipped> shipped, EventType<Parcel.Labelled> labelled, int labels) {
    this.shipped = shipped;
    this.labelled = labelled;
    this.labels = new CountDownLatch(labels);
  }

  @Override
  public Set<String> events() {
    return Set.of(shipped.name(), labelled.name());
  }

  @Override
  public Map<String, Class<?>> topics() {
    return Map.of();
  }

  @Override
  public boolean dispatch(EventContext context) {
    seen.add(new Seen(context.envelope(), Span.current().getSpanContext(), Baggage.current()));
    Object payload = context.envelope().payload();
    if (payload instanceof Parcel.Shipped ship) {
      if (ship.box().equals("poison")) {
        throw new IllegalStateException("cannot label a poison box");
      }
      Parcel parcel = new Parcel(context.envelope().aggregateId());
      parcel.label(labelled, "label-" + ship.box());
      DomainEvents.publish(parcel).join();
    } else {
      labels.countDown();
    }
    return true;
  }

  /** What the handler saw of the event named {@code name}. */
  Seen of(String name) {
    return seen.stream()
        .filter(s -> s.envelope().name().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("not handled: " + name + " in " + seen));
  }
}
