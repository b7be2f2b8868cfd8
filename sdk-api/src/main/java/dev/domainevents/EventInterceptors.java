package dev.domainevents;

import dev.domainevents.EventInterceptor.Outcome;
import dev.domainevents.EventInterceptor.Publication;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ordered {@link EventInterceptor}s of an installation, and the one place that runs them. Build
 * them once and pass them to {@link DomainEvents#install(dev.domainevents.spi.DomainEventInfra,
 * EventInterceptors, Object...)}:
 *
 * <pre>{@code
 * EventInterceptors interceptors =
 *     EventInterceptors.builder().add(DomainEventMetrics.of(registry)).add(tracing).build();
 * }</pre>
 *
 * <p>{@link #defaults()}, what {@code DomainEvents.install(infra, handlers...)} uses, holds the
 * {@linkplain #logContext() log context} alone. {@link #none()} holds nothing: the infra then takes
 * its direct path, which allocates nothing for interception.
 *
 * <p>Infrastructure calls {@link #publishBatch}, {@link #publish}, {@link #handle}, {@link
 * #handleBatch} and {@link #outcome}; each reports an interceptor that throws and goes on without
 * it.
 */
public final class EventInterceptors {
  private static final Logger log = LoggerFactory.getLogger(EventInterceptors.class);
  private static final EventInterceptors NONE = new EventInterceptors(new EventInterceptor[0]);
  private static final EventInterceptors DEFAULTS =
      new EventInterceptors(new EventInterceptor[] {LogContext.INSTANCE});

  private final EventInterceptor[] chain;
  // The chain without the interceptors known to leave publishing alone (the log context), so that
  // the default installation publishes on the infra's direct path.
  private final EventInterceptor[] publishers;

  private EventInterceptors(EventInterceptor[] chain) {
    this.chain = chain;
    List<EventInterceptor> publishing = new ArrayList<>(chain.length);
    for (EventInterceptor interceptor : chain) {
      if (interceptor != LogContext.INSTANCE) {
        publishing.add(interceptor);
      }
    }
    this.publishers = publishing.toArray(new EventInterceptor[0]);
  }

  /** No interceptor at all, not even the log context. */
  public static EventInterceptors none() {
    return NONE;
  }

  /** The {@linkplain #logContext() log context} alone: the default of every installation. */
  public static EventInterceptors defaults() {
    return DEFAULTS;
  }

  /** Returns a builder that starts with the log context; see {@link Builder#logContext}. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The interceptor that puts the handled event's ids into SLF4J's MDC while its handlers run:
   * {@code eventId}, {@code eventName}, {@code aggregateType}, {@code aggregateId}, {@code
   * correlationId} and {@code causationId}. It restores what the MDC held before, also when a
   * handler throws, on every attempt.
   */
  public static EventInterceptor logContext() {
    return LogContext.INSTANCE;
  }

  /** Whether there is no interceptor, so infrastructure may take its direct path. */
  public boolean isEmpty() {
    return chain.length == 0;
  }

  /**
   * Whether an interceptor takes part in publishing. When none does (the {@linkplain #defaults()
   * defaults}: the log context only acts while handlers run), infrastructure may publish on its
   * direct path; {@link #publishBatch} and {@link #publish} then call the infra at once.
   */
  public boolean interceptsPublishing() {
    return publishers.length > 0;
  }

  /** The interceptors, outermost first. */
  public List<EventInterceptor> asList() {
    return List.of(chain);
  }

  /**
   * Publishes {@code batch} through every interceptor's {@link EventInterceptor#publishBatch} and
   * then {@code infra}.
   */
  public CompletableFuture<Void> publishBatch(
      List<EventEnvelope> batch, String system, EventInterceptor.BatchStep infra) {
    return publishers.length == 0
        ? infra.publish(batch)
        : new BatchChain(system, infra).run(0, batch);
  }

  /**
   * Sends one event through every interceptor's {@link EventInterceptor#publish} and then {@code
   * infra}, which receives the envelope the interceptors passed on.
   */
  public CompletableFuture<Void> publish(
      Publication publication, EventInterceptor.PublishStep infra) {
    return publishers.length == 0
        ? infra.publish(publication.envelope())
        : new PublishChain(publication, infra).run(0, publication.envelope());
  }

  /**
   * Calls {@code handlers} inside every interceptor's {@link EventInterceptor#handle}.
   *
   * @throws Exception what the handlers threw, whatever the interceptors did with it
   */
  public void handle(Delivery delivery, EventInterceptor.HandleStep handlers) throws Exception {
    if (chain.length == 0) {
      handlers.handle();
      return;
    }
    HandleChain run = new HandleChain(delivery, null, handlers);
    run.run(0);
    if (run.failure != null) {
      // A handler failed and an interceptor swallowed it: the infra must still see it.
      throwUnchecked(run.failure);
    }
  }

  /**
   * Calls a batch handler inside every interceptor's {@link EventInterceptor#handleBatch}.
   *
   * @param deliveries the batch's records, in order; not empty
   * @throws Exception what the handler threw, whatever the interceptors did with it
   */
  public void handleBatch(List<? extends Delivery> deliveries, EventInterceptor.HandleStep handler)
      throws Exception {
    if (chain.length == 0) {
      handler.handle();
      return;
    }
    HandleChain run = new HandleChain(deliveries.get(0), deliveries, handler);
    run.run(0);
    if (run.failure != null) {
      throwUnchecked(run.failure);
    }
  }

  /**
   * Tells every interceptor what became of {@code delivery}; see {@link
   * EventInterceptor#onOutcome}.
   */
  public void outcome(Delivery delivery, Outcome outcome, Throwable cause, long durationNanos) {
    for (EventInterceptor interceptor : chain) {
      try {
        interceptor.onOutcome(delivery, outcome, cause, durationNanos);
      } catch (RuntimeException | LinkageError e) {
        report(interceptor, "onOutcome", delivery.envelope(), e);
      }
    }
  }

  private static void report(
      EventInterceptor interceptor, String method, EventEnvelope event, Throwable error) {
    log.error(
        "interceptor {}.{} failed on {} ({}); it was skipped and the event went on",
        interceptor.getClass().getName(),
        method,
        event == null ? "an empty batch" : event.name(),
        event == null ? "-" : event.eventId(),
        error);
  }

  @SuppressWarnings("unchecked")
  private static <T extends Throwable> void throwUnchecked(Throwable t) throws T {
    throw (T) t;
  }

  /** One run of {@link #publishBatch}. */
  private final class BatchChain {
    private final String system;
    private final EventInterceptor.BatchStep infra;

    BatchChain(String system, EventInterceptor.BatchStep infra) {
      this.system = system;
      this.infra = infra;
    }

    CompletableFuture<Void> run(int index, List<EventEnvelope> batch) {
      if (index == publishers.length) {
        return infra.publish(batch);
      }
      EventInterceptor interceptor = publishers[index];
      List<CompletableFuture<Void>> inner = new ArrayList<>(1);
      CompletableFuture<Void> result;
      try {
        result =
            interceptor.publishBatch(
                batch,
                system,
                next -> {
                  CompletableFuture<Void> sent = run(index + 1, next);
                  inner.add(sent);
                  return sent;
                });
      } catch (RuntimeException | LinkageError e) {
        report(interceptor, "publishBatch", batch.isEmpty() ? null : batch.get(0), e);
        result = null;
      }
      if (result != null) {
        return result;
      }
      return inner.isEmpty() ? run(index + 1, batch) : inner.get(0);
    }
  }

  /** One run of {@link #publish}. */
  private final class PublishChain {
    private final Publication publication;
    private final EventInterceptor.PublishStep infra;

    PublishChain(Publication publication, EventInterceptor.PublishStep infra) {
      this.publication = publication;
      this.infra = infra;
    }

    CompletableFuture<Void> run(int index, EventEnvelope envelope) {
      if (index == publishers.length) {
        return infra.publish(envelope);
      }
      EventInterceptor interceptor = publishers[index];
      Publication current =
          envelope == publication.envelope()
              ? publication
              : new Publication(envelope, publication.system(), publication.destination());
      List<CompletableFuture<Void>> inner = new ArrayList<>(1);
      CompletableFuture<Void> result;
      try {
        result =
            interceptor.publish(
                current,
                next -> {
                  CompletableFuture<Void> sent =
                      run(index + 1, Objects.requireNonNull(next, "envelope"));
                  inner.add(sent);
                  return sent;
                });
      } catch (RuntimeException | LinkageError e) {
        report(interceptor, "publish", envelope, e);
        result = null;
      }
      if (result != null) {
        return result;
      }
      return inner.isEmpty() ? run(index + 1, envelope) : inner.get(0);
    }
  }

  /**
   * One run of {@link #handle}, or of {@link #handleBatch} when {@code batch} is set: remembers the
   * handlers' failure so no interceptor can hide it.
   */
  private final class HandleChain {
    private final Delivery delivery;
    private final List<? extends Delivery> batch;
    private final EventInterceptor.HandleStep handlers;
    Throwable failure;

    HandleChain(
        Delivery delivery, List<? extends Delivery> batch, EventInterceptor.HandleStep handlers) {
      this.delivery = delivery;
      this.batch = batch;
      this.handlers = handlers;
    }

    void run(int index) throws Exception {
      if (index == chain.length) {
        try {
          handlers.handle();
        } catch (Exception | Error e) {
          failure = e;
          throw e;
        }
        return;
      }
      EventInterceptor interceptor = chain[index];
      boolean[] called = new boolean[1];
      try {
        EventInterceptor.HandleStep next =
            () -> {
              called[0] = true;
              run(index + 1);
            };
        if (batch == null) {
          interceptor.handle(delivery, next);
        } else {
          interceptor.handleBatch(batch, next);
        }
      } catch (Exception | Error e) {
        if (failure != null) {
          throw e; // the handlers' failure, or the interceptor's reaction to it
        }
        report(interceptor, batch == null ? "handle" : "handleBatch", delivery.envelope(), e);
        if (!called[0]) {
          run(index + 1);
        }
      }
    }
  }

  /** Builds an ordered list of interceptors. */
  public static final class Builder {
    private final List<EventInterceptor> interceptors = new ArrayList<>();
    private boolean logContext = true;

    private Builder() {}

    /** Adds {@code interceptor} inside the ones added before it. */
    public Builder add(EventInterceptor interceptor) {
      interceptors.add(Objects.requireNonNull(interceptor, "interceptor"));
      return this;
    }

    /**
     * Whether the {@linkplain EventInterceptors#logContext() log context} runs, outermost, so the
     * other interceptors log with the ids too. On by default.
     */
    public Builder logContext(boolean enabled) {
      this.logContext = enabled;
      return this;
    }

    /** Returns the interceptors, the log context first when enabled. */
    public EventInterceptors build() {
      List<EventInterceptor> all = new ArrayList<>(interceptors.size() + 1);
      if (logContext) {
        all.add(LogContext.INSTANCE);
      }
      all.addAll(interceptors);
      return new EventInterceptors(all.toArray(new EventInterceptor[0]));
    }
  }
}
