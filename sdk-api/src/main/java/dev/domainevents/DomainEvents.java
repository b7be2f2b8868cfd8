package dev.domainevents;

import dev.domainevents.spi.DomainEventInfra;
import dev.domainevents.spi.EventCatalog;
import dev.domainevents.spi.EventDispatcher;
import java.util.ArrayList;
import java.util.Comparator;
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
 */
public final class DomainEvents {
  private static final Object LOCK = new Object();
  private static volatile Installation installed;

  private DomainEvents() {}

  /**
   * Installs {@code infra} with the events of every generated registry on the class path, and
   * subscribes the given handlers: objects with {@link EventHandler} methods, or dispatchers.
   *
   * @throws IllegalStateException if an infra is already installed
   * @throws IllegalArgumentException if a handler has no generated dispatcher
   */
  public static Installation install(DomainEventInfra infra, Object... handlers) {
    return install(infra, EventCatalog.load(), handlers);
  }

  /** Installs {@code infra} with an explicit catalog; see {@link #install(DomainEventInfra, Object...)}. */
  public static Installation install(
      DomainEventInfra infra, EventCatalog catalog, Object... handlers) {
    Objects.requireNonNull(infra, "infra");
    Objects.requireNonNull(catalog, "catalog");
    synchronized (LOCK) {
      if (installed != null) {
        throw new IllegalStateException(
            "a domain event infra is already installed ("
                + installed.infra().getClass().getSimpleName()
                + "); install exactly one at startup, or close the Installation returned by"
                + " DomainEvents.install before installing another");
      }
      List<EventDispatcher> dispatchers = new ArrayList<>(handlers.length);
      for (Object handler : handlers) {
        dispatchers.add(catalog.dispatcherFor(handler));
      }
      dispatchers.forEach(infra::subscribe);
      infra.start(catalog);
      installed = new Installation(infra, catalog);
      return installed;
    }
  }

  /** Returns whether an infra is installed. */
  public static boolean isInstalled() {
    return installed != null;
  }

  /** Returns the installed infra. */
  public static DomainEventInfra infra() {
    return requireInstalled().infra();
  }

  /** Returns the catalog the installed infra was started with. */
  public static EventCatalog catalog() {
    return requireInstalled().catalog();
  }

  /**
   * Drains the entities' pending events, merged in raise order, and publishes them with the
   * installed infra. The future completes when the infra has durably accepted all of them.
   */
  public static CompletableFuture<Void> publish(Entity... entities) {
    Installation installation = requireInstalled();
    List<EventEnvelope> events = drain(installation.catalog(), List.of(entities));
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

  /**
   * Publishes envelopes that were drained earlier, e.g. by a transactional outbox's relay.
   */
  public static CompletableFuture<Void> publishEnvelopes(List<EventEnvelope> events) {
    Objects.requireNonNull(events, "events");
    return requireInstalled().infra().publish(List.copyOf(events));
  }

  /**
   * Removes and returns the entities' pending events, merged in raise order, without publishing
   * them. Use it to store events yourself, e.g. in an outbox table.
   */
  public static List<EventEnvelope> drain(Entity... entities) {
    Installation installation = installed;
    return drain(installation == null ? null : installation.catalog(), List.of(entities));
  }

  static List<EventEnvelope> drain(EventCatalog catalog, List<? extends Entity> entities) {
    if (entities.size() == 1) {
      return withCatalogVersions(catalog, entities.get(0).drainEvents());
    }
    List<EventEnvelope> events = new ArrayList<>();
    for (Entity entity : entities) {
      events.addAll(entity.drainEvents());
    }
    // Event ids are strictly increasing in raise order within this JVM.
    events.sort(Comparator.comparing(EventEnvelope::eventId));
    return withCatalogVersions(catalog, events);
  }

  private static List<EventEnvelope> withCatalogVersions(
      EventCatalog catalog, List<EventEnvelope> events) {
    if (catalog == null || events.isEmpty()) {
      return events;
    }
    List<EventEnvelope> versioned = null; // copied only if some version differs
    for (int i = 0; i < events.size(); i++) {
      EventEnvelope event = events.get(i);
      EventType<?> type = catalog.find(event.name());
      if (type != null && type.schemaVersion() != event.schemaVersion()) {
        if (versioned == null) {
          versioned = new ArrayList<>(events);
        }
        versioned.set(i, event.withSchemaVersion(type.schemaVersion()));
      }
    }
    return versioned == null ? events : versioned;
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

  static void uninstall(Installation installation) {
    synchronized (LOCK) {
      if (installed == installation) {
        installed = null;
      }
    }
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

    /** Closes the infra and uninstalls it. */
    @Override
    public void close() {
      try {
        infra.close();
      } finally {
        uninstall(this);
      }
    }
  }
}
