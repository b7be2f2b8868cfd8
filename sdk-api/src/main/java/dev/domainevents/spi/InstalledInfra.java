package dev.domainevents.spi;

import dev.domainevents.DomainEvents;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The infra installed with {@link DomainEvents#install}, and its catalog, for infrastructure that
 * works beside it: an outbox relay publishes through it, an outbox stamps schema versions from its
 * catalog. Applications hold the {@link DomainEvents.Installation} instead.
 */
public final class InstalledInfra {
  private static final AtomicReference<DomainEvents.Installation> INSTALLED =
      new AtomicReference<>();

  private InstalledInfra() {}

  /** Returns whether an infra is installed. */
  public static boolean isInstalled() {
    return INSTALLED.get() != null;
  }

  /**
   * Returns the installed infra.
   *
   * @throws IllegalStateException if none is installed
   */
  public static DomainEventInfra infra() {
    return require().infra();
  }

  /**
   * Returns the catalog the installed infra was started with.
   *
   * @throws IllegalStateException if no infra is installed
   */
  public static EventCatalog catalog() {
    return require().catalog();
  }

  /**
   * Returns the catalog the installed infra was started with, or {@code null} if none is
   * installed.
   */
  public static EventCatalog catalogIfInstalled() {
    DomainEvents.Installation installation = INSTALLED.get();
    return installation == null ? null : installation.catalog();
  }

  /**
   * Records {@code installation} as the installed one, unless one is installed already. Only
   * {@link DomainEvents#install} makes installations, and only it calls this.
   *
   * @return the installation that was installed already, or {@code null} if this one now is
   */
  public static DomainEvents.Installation attach(DomainEvents.Installation installation) {
    return INSTALLED.compareAndExchange(null, installation);
  }

  /** Forgets {@code installation} if it is the installed one; its {@code close()} calls this. */
  public static void detach(DomainEvents.Installation installation) {
    INSTALLED.compareAndSet(installation, null);
  }

  private static DomainEvents.Installation require() {
    DomainEvents.Installation installation = INSTALLED.get();
    if (installation == null) {
      throw new IllegalStateException(
          "no domain event infra is installed; call DomainEvents.install(infra, handlers...) once"
              + " at startup, e.g. DomainEvents.install(new InMemoryInfra()) in tests");
    }
    return installation;
  }
}
