package dev.domainevents.spi;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The infra installed with {@code DomainEvents.install}, and the catalog it was started with, for
 * infrastructure that works beside it: an outbox relay publishes through it, an outbox stamps
 * schema versions from its catalog. Applications hold the {@code DomainEvents.Installation}
 * instead.
 */
public final class InstalledInfra {
  private static final AtomicReference<Installed> INSTALLED = new AtomicReference<>();

  /** One installation, read as a whole. */
  private record Installed(Object owner, DomainEventInfra infra, EventCatalog catalog) {}

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
   * Returns the catalog the installed infra was started with, or {@code null} if none is installed.
   */
  public static EventCatalog catalogIfInstalled() {
    Installed installed = INSTALLED.get();
    return installed == null ? null : installed.catalog();
  }

  /**
   * Records that {@code owner} installed {@code infra}, started with {@code catalog}, unless an
   * infra is installed already. {@code DomainEvents.install} calls this once it has started the
   * infra; nothing else should.
   *
   * @return whether {@code infra} is now the installed one
   */
  public static boolean attach(Object owner, DomainEventInfra infra, EventCatalog catalog) {
    Installed installed =
        new Installed(
            Objects.requireNonNull(owner, "owner"),
            Objects.requireNonNull(infra, "infra"),
            Objects.requireNonNull(catalog, "catalog"));
    return INSTALLED.compareAndSet(null, installed);
  }

  /** Forgets the installation of {@code owner}, if it is the installed one. */
  public static void detach(Object owner) {
    Installed installed = INSTALLED.get();
    if (installed != null && installed.owner() == owner) {
      INSTALLED.compareAndSet(installed, null);
    }
  }

  private static Installed require() {
    Installed installed = INSTALLED.get();
    if (installed == null) {
      throw new IllegalStateException(
          "no domain event infra is installed; call DomainEvents.install(infra, handlers...) once"
              + " at startup, e.g. DomainEvents.install(new InMemoryInfra()) in tests");
    }
    return installed;
  }
}
