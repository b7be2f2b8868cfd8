package dev.domainevents.micrometer;

import dev.domainevents.Delivery;
import dev.domainevents.DomainEvents;
import dev.domainevents.EventEnvelope;
import dev.domainevents.EventInterceptor;
import dev.domainevents.InfraHealth;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Records publishing and handling as Micrometer meters. Add it to the interceptors at install, and
 * bind the infra's health for the gauges:
 *
 * <pre>{@code
 * DomainEventMetrics metrics = DomainEventMetrics.of(registry);
 * Installation installation =
 *     DomainEvents.install(infra, EventInterceptors.builder().add(metrics).build(), handlers);
 * metrics.bindTo(installation);
 * }</pre>
 *
 * <p>The meters, all named {@code domainevents.*} in base units:
 *
 * <ul>
 *   <li>{@code domainevents.publish}, a timer from the send to the infra's acknowledgement, tagged
 *       {@code event}, {@code system}, {@code destination}, {@code outcome} ({@code success} or
 *       {@code failure}) and {@code exception};
 *   <li>{@code domainevents.publish.inflight}, a gauge of the events sent and not yet acknowledged,
 *       tagged {@code system};
 *   <li>{@code domainevents.publish.delay}, a timer from the event's {@code occurredAt} to its
 *       acknowledgement, tagged {@code system} and {@code destination}: for the events an outbox
 *       relay sends, the relay latency;
 *   <li>{@code domainevents.handle}, a timer of the handlers' time per delivery attempt, tagged
 *       {@code event}, {@code system}, {@code destination}, {@code outcome} ({@code handled},
 *       {@code retried}, {@code retry-topic}, {@code dead-lettered}, {@code skipped}, {@code
 *       duplicate}) and {@code exception};
 *   <li>from {@link #bindTo}: consumer lag, consumer and publisher state, restarts, and the infra's
 *       counts such as {@code domainevents.outbox.pending}.
 * </ul>
 *
 * <p>Tags stay bounded: never an event id or an aggregate id. The exception tag is the simple class
 * name, or {@code none}; event names past {@value #MAX_EVENT_NAMES} distinct ones (a producer that
 * sends made-up names, say) are counted as {@code other}.
 */
public final class DomainEventMetrics implements EventInterceptor {
  /** How many distinct event names become tag values before the rest count as {@code other}. */
  public static final int MAX_EVENT_NAMES = 1000;

  static final String NONE = "none";
  static final String OTHER = "other";
  private static final String[] OUTCOMES = outcomeTags();

  private final MeterRegistry registry;
  private final Clock clock;
  private final ConcurrentHashMap<TimerKey, Timer> publishTimers = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<DelayKey, Timer> delayTimers = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<TimerKey, Timer> handleTimers = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, AtomicLong> inFlight = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Boolean> eventNames = new ConcurrentHashMap<>();
  private final List<HealthGauges> bound = new CopyOnWriteArrayList<>();

  private DomainEventMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.clock = registry.config().clock();
  }

  /** Returns an interceptor that records into {@code registry}. */
  public static DomainEventMetrics of(MeterRegistry registry) {
    return new DomainEventMetrics(Objects.requireNonNull(registry, "registry"));
  }

  /**
   * Registers the gauges read from {@code installation}'s {@link DomainEvents.Installation#health()
   * health}; see {@link #bindHealth}.
   *
   * @return this
   */
  public DomainEventMetrics bindTo(DomainEvents.Installation installation) {
    Objects.requireNonNull(installation, "installation");
    return bindHealth(installation::health);
  }

  /**
   * Registers gauges that read {@code health}: {@code domainevents.consumer.lag} per assigned
   * partition, {@code domainevents.consumer.state} and {@code domainevents.consumer.restarts} per
   * consumer, {@code domainevents.publisher.state}, and one {@code domainevents.<name>} gauge per
   * count of the snapshot (e.g. {@code domainevents.outbox.pending}). The snapshot is read at most
   * once a second, when a gauge is read; partitions and consumers that appear later are registered
   * then (so they show from the next scrape), and those that vanish are removed.
   *
   * @return this
   */
  public DomainEventMetrics bindHealth(Supplier<InfraHealth> health) {
    Objects.requireNonNull(health, "health");
    HealthGauges gauges = new HealthGauges(registry, health);
    gauges.register();
    bound.add(gauges); // Micrometer holds function counters weakly: keep them alive
    return this;
  }

  @Override
  public CompletableFuture<Void> publish(Publication publication, PublishStep next) {
    AtomicLong sending = inFlight(publication.system());
    long start = clock.monotonicTime();
    sending.incrementAndGet();
    CompletableFuture<Void> sent;
    try {
      sent = next.publish(publication.envelope());
    } catch (RuntimeException | Error e) {
      sending.decrementAndGet();
      recordPublish(publication, start, e);
      throw e;
    }
    // A future of our own, completed after the meters moved, so whoever waits for the publish sees
    // them; it carries exactly what the infra's future carried.
    CompletableFuture<Void> acknowledged = new CompletableFuture<>();
    var unused =
        sent.whenComplete(
            (ignored, error) -> {
              try {
                sending.decrementAndGet();
                recordPublish(publication, start, error);
              } finally {
                if (error == null) {
                  acknowledged.complete(null);
                } else {
                  acknowledged.completeExceptionally(error);
                }
              }
            });
    return acknowledged;
  }

  @Override
  public void onOutcome(Delivery delivery, Outcome outcome, Throwable cause, long durationNanos) {
    EventEnvelope envelope = delivery.envelope();
    TimerKey key =
        new TimerKey(
            eventTag(envelope == null ? null : envelope.name()),
            delivery.system(),
            delivery.destination(),
            OUTCOMES[outcome.ordinal()],
            exceptionTag(cause));
    Timer timer = handleTimers.get(key);
    if (timer == null) {
      timer = handleTimers.computeIfAbsent(key, this::handleTimer);
    }
    timer.record(Math.max(0, durationNanos), TimeUnit.NANOSECONDS);
  }

  private void recordPublish(Publication publication, long start, Throwable error) {
    long elapsed = clock.monotonicTime() - start;
    TimerKey key =
        new TimerKey(
            eventTag(publication.envelope().name()),
            publication.system(),
            publication.destination(),
            error == null ? "success" : "failure",
            exceptionTag(error));
    Timer timer = publishTimers.get(key);
    if (timer == null) {
      timer = publishTimers.computeIfAbsent(key, this::publishTimer);
    }
    timer.record(elapsed, TimeUnit.NANOSECONDS);
    if (error == null) {
      DelayKey delayKey = new DelayKey(publication.system(), publication.destination());
      Timer delay = delayTimers.get(delayKey);
      if (delay == null) {
        delay = delayTimers.computeIfAbsent(delayKey, this::delayTimer);
      }
      long millis = clock.wallTime() - publication.envelope().occurredAt().toEpochMilli();
      // Clocks of two hosts may disagree by a little; a negative delay means "none".
      delay.record(Math.max(0, millis), TimeUnit.MILLISECONDS);
    }
  }

  private AtomicLong inFlight(String system) {
    AtomicLong count = inFlight.get(system);
    if (count != null) {
      return count;
    }
    return inFlight.computeIfAbsent(
        system,
        s -> {
          AtomicLong created = new AtomicLong();
          Gauge.builder("domainevents.publish.inflight", created, AtomicLong::get)
              .description("Events handed to the infra and not yet acknowledged")
              .baseUnit("events")
              .tag("system", s)
              .register(registry);
          return created;
        });
  }

  private Timer publishTimer(TimerKey key) {
    return Timer.builder("domainevents.publish")
        .description("Time from sending an event to the infra's acknowledgement")
        .tags(
            Tags.of(
                "event", key.event(),
                "system", key.system(),
                "destination", key.destination(),
                "outcome", key.outcome(),
                "exception", key.exception()))
        .register(registry);
  }

  private Timer delayTimer(DelayKey key) {
    return Timer.builder("domainevents.publish.delay")
        .description("Time from an event's occurredAt to the acknowledgement of its publish")
        .tags(Tags.of("system", key.system(), "destination", key.destination()))
        .register(registry);
  }

  private Timer handleTimer(TimerKey key) {
    return Timer.builder("domainevents.handle")
        .description("Time the handlers took on one delivery attempt, by what became of it")
        .tags(
            Tags.of(
                "event", key.event(),
                "system", key.system(),
                "destination", key.destination(),
                "outcome", key.outcome(),
                "exception", key.exception()))
        .register(registry);
  }

  /** The event name as a tag value, bounded to {@link #MAX_EVENT_NAMES} distinct values. */
  private String eventTag(String name) {
    if (name == null) {
      return NONE;
    }
    if (eventNames.containsKey(name)) {
      return name;
    }
    if (eventNames.size() >= MAX_EVENT_NAMES) {
      return OTHER;
    }
    eventNames.putIfAbsent(name, Boolean.TRUE);
    return name;
  }

  static String exceptionTag(Throwable error) {
    Throwable cause = error;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause == null) {
      return NONE;
    }
    String simple = cause.getClass().getSimpleName();
    return simple.isEmpty() ? cause.getClass().getName() : simple;
  }

  private static String[] outcomeTags() {
    Outcome[] outcomes = Outcome.values();
    String[] tags = new String[outcomes.length];
    for (Outcome outcome : outcomes) {
      tags[outcome.ordinal()] = outcome.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
    return tags;
  }

  /** The tags of one publish or handle timer. */
  private record TimerKey(
      String event, String system, String destination, String outcome, String exception) {}

  /** The tags of one delay timer. */
  private record DelayKey(String system, String destination) {}
}
