package dev.domainevents;

import dev.domainevents.spi.DomainEventInfra;
import dev.domainevents.spi.EventCatalog;
import dev.domainevents.spi.EventDispatcher;
import dev.domainevents.spi.InstalledInfra;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * The runtime: install one infra at startup, then publish entities' events when work commits.
 *
 * <pre>{@code
 * // at startup, once
 * DomainEvents.install(KafkaInfra.fromEnvironment(), new StoreController(stock));
 *
 * // in application code, after the business method
 * goods.shopping(2);
 * DomainEvents.publish(goods).join();
 * }</pre>
 *
 * <p>Exactly one infra is installed at a time. Installing a second one, or publishing before
 * installing, fails with an {@link IllegalStateException} that says what to do. Closing the
 * returned {@link Installation} closes the infra and uninstalls it, which is what tests want.
 *
 * <p>Infrastructure that works beside the installed infra, such as an outbox relay, finds it
 * through {@link InstalledInfra}.
 */
public final class DomainEvents {
  private static final Object LOCK = new Object();
  // Mirrored in InstalledInfra for infrastructure; this copy gives publish the infra and its
  // catalog in one read.
  private static volatile Installation installed;

  private DomainEvents() {}

  /**
   * Installs {@code infra} with the events of every generated registry on the class path and the
   * {@linkplain EventInterceptors#defaults() default interceptors}, and subscribes the given
   * handlers: objects with {@link EventHandler} methods, or dispatchers.
   *
   * @throws IllegalStateException if an infra is already installed
   * @throws IllegalArgumentException if a handler has no generated dispatcher
   */
  public static Installation install(DomainEventInfra infra, Object... handlers) {
    return install(infra, EventCatalog.load(), EventInterceptors.defaults(), handlers);
  }

  /**
   * Installs {@code infra} like {@link #install(DomainEventInfra, Object...)}, running {@code
   * interceptors} around every publish and every handling.
   *
   * @throws UnsupportedOperationException if {@code infra} cannot run interceptors
   */
  public static Installation install(
      DomainEventInfra infra, EventInterceptors interceptors, Object... handlers) {
    return install(infra, EventCatalog.load(), interceptors, handlers);
  }

  /**
   * Installs {@code infra} with an explicit catalog; see {@link #install(DomainEventInfra,
   * Object...)}.
   */
  public static Installation install(
      DomainEventInfra infra, EventCatalog catalog, Object... handlers) {
    return install(infra, catalog, EventInterceptors.defaults(), handlers);
  }

  /**
   * Installs {@code infra} with an explicit catalog and interceptors; see {@link
   * #install(DomainEventInfra, EventInterceptors, Object...)}.
   */
  public static Installation install(
      DomainEventInfra infra,
      EventCatalog catalog,
      EventInterceptors interceptors,
      Object... handlers) {
    Objects.requireNonNull(infra, "infra");
    Objects.requireNonNull(catalog, "catalog");
    Objects.requireNonNull(interceptors, "interceptors");
    synchronized (LOCK) {
      if (installed != null) {
        throw alreadyInstalled(installed.infra());
      }
      List<EventDispatcher> dispatchers = new ArrayList<>(handlers.length);
      for (Object handler : handlers) {
        dispatchers.add(catalog.dispatcherFor(handler));
      }
      for (EventDispatcher dispatcher : dispatchers) {
        infra.subscribe(dispatcher);
      }
      infra.start(catalog, interceptors);
      Installation installation = new Installation(infra, catalog);
      if (!InstalledInfra.attach(installation, infra, catalog)) {
        infra.close();
        throw alreadyInstalled(InstalledInfra.infra());
      }
      installed = installation;
      return installation;
    }
  }

  private static IllegalStateException alreadyInstalled(DomainEventInfra existing) {
    return new IllegalStateException(
        "a domain event infra is already installed ("
            + existing.getClass().getSimpleName()
            + "); install exactly one at startup, or close the Installation returned by"
            + " DomainEvents.install before installing another");
  }

  /**
   * Takes the entities' pending events, merged in raise order (see {@link EventBatch}), and
   * publishes them with the installed infra. The entities let the events go when they are handed to
   * the infra; the future completes when the infra has durably accepted all of them.
   *
   * @throws IllegalStateException if no infra is installed
   */
  public static CompletableFuture<Void> publish(Entity... entities) {
    Installation installation = requireInstalled();
    // Cleared before publishing, as the infra may deliver at once: a handler that publishes the
    // same entity must not send these events a second time.
    List<EventEnvelope> events =
        entities.length == 1
            ? EventBatch.drain(installation.catalog(), entities[0])
            : EventBatch.drain(installation.catalog(), entities);
    if (events.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    return installation.infra().publish(events);
  }

  /**
   * Publishes like {@link #publish(Entity...)} and waits until the infra has accepted every event.
   *
   * @throws EventPublishException if any event could not be published
   */
  public static void publishAndWait(Entity... entities) {
    await(publish(entities));
  }

  /** Starts a unit of work that collects entities and publishes their events on commit. */
  public static UnitOfWork unitOfWork() {
    return new UnitOfWork();
  }

  static void await(CompletableFuture<Void> future) {
    try {
      future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EventPublishException("interrupted while waiting for publish", e);
    } catch (ExecutionException | CompletionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      if (cause instanceof EventPublishException publishException) {
        throw publishException;
      }
      throw new EventPublishException("publish failed: " + cause, cause);
    }
  }

  private static Installation requireInstalled() {
    Installation installation = installed;
    if (installation == null) {
      throw new IllegalStateException(
          "no domain event infra is installed; call DomainEvents.install(infra, handlers...) once"
              + " at startup, e.g. DomainEvents.install(new InMemoryInfra()) in tests");
    }
    return installation;
  }

  /** An installed infra. Closing it closes the infra and uninstalls it. */
  public static final class Installation implements AutoCloseable {
    private final DomainEventInfra infra;
    private final EventCatalog catalog;

    Installation(DomainEventInfra infra, EventCatalog catalog) {
      this.infra = infra;
      this.catalog = catalog;
    }

    /** The installed infra. */
    public DomainEventInfra infra() {
      return infra;
    }

    /** The catalog the infra was started with. */
    public EventCatalog catalog() {
      return catalog;
    }

    /** A snapshot of the infra's health; see {@link InfraHealth}. */
    public InfraHealth health() {
      return infra.health();
    }

    /** Closes the infra and uninstalls it. */
    @Override
    public void close() {
      try {
        infra.close();
      } finally {
        synchronized (LOCK) {
          if (installed == this) {
            installed = null;
            InstalledInfra.detach(this);
          }
        }
      }
    }
  }
}
