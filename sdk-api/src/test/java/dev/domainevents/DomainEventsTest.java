package dev.domainevents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.domainevents.Fixtures.Goods;
import dev.domainevents.Fixtures.GoodsObj;
import dev.domainevents.Fixtures.Registry;
import dev.domainevents.Fixtures.StoreController;
import dev.domainevents.memory.InMemoryInfra;
import dev.domainevents.spi.EventCatalog;
import dev.domainevents.spi.InstalledInfra;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DomainEventsTest {
  private final EventCatalog catalog = EventCatalog.of(new Registry());
  private DomainEvents.Installation installation;

  @AfterEach
  void uninstall() {
    if (installation != null) {
      installation.close();
    }
  }

  @Test
  void publishBeforeInstallNamesTheFix() {
    var error = assertThrows(IllegalStateException.class, () -> DomainEvents.publish(new Goods(1)));
    assertTrue(error.getMessage().contains("DomainEvents.install("), error.getMessage());
  }

  @Test
  void secondInstallIsRejectedAndNamesTheFix() {
    installation = DomainEvents.install(new InMemoryInfra(), catalog);
    var error =
        assertThrows(
            IllegalStateException.class, () -> DomainEvents.install(new InMemoryInfra(), catalog));
    assertTrue(error.getMessage().contains("already installed"), error.getMessage());
    assertTrue(error.getMessage().contains("close the Installation"), error.getMessage());
  }

  @Test
  void closingTheInstallationUninstalls() {
    installation = DomainEvents.install(new InMemoryInfra(), catalog);
    assertTrue(InstalledInfra.isInstalled());
    installation.close();
    installation = null;
    assertFalse(InstalledInfra.isInstalled());
  }

  @Test
  void handlerWithoutGeneratedDispatcherIsRejectedAtInstall() {
    var error =
        assertThrows(
            IllegalArgumentException.class,
            () -> DomainEvents.install(new InMemoryInfra(), catalog, new Object()));
    assertTrue(error.getMessage().contains("no generated dispatcher"), error.getMessage());
    assertFalse(InstalledInfra.isInstalled(), "a failed install installs nothing");
  }

  @Test
  void publishDrainsAndDeliversWithCausationAndCorrelation() {
    InMemoryInfra infra = new InMemoryInfra();
    StoreController store = new StoreController();
    installation = DomainEvents.install(infra, catalog, store);

    Goods goods = new Goods(5);
    try (EventScope scope = EventScope.correlate("req-9")) {
      goods.shopping(2);
      DomainEvents.publishAndWait(goods);
    }

    assertTrue(goods.pendingEvents().isEmpty());
    assertEquals(2, store.handled.size(), "the shopping event and the restock it caused");
    EventEnvelope shopping = store.handled.get(0).envelope();
    EventEnvelope restock = store.handled.get(1).envelope();
    assertEquals(new GoodsObj(5, 2), shopping.payload());
    assertEquals("req-9", shopping.correlationId());
    assertEquals("Goods:Restock", restock.name());
    assertEquals("req-9", restock.correlationId(), "caused events keep the correlation id");
    assertEquals(shopping.eventId().toString(), restock.causationId());
    assertEquals(List.of(shopping, restock), infra.published());
  }

  @Test
  void publishAppliesTheRegisteredSchemaVersion() {
    InMemoryInfra infra = new InMemoryInfra();
    installation = DomainEvents.install(infra, catalog);
    Goods goods = new Goods(1);
    goods.shopping(1);
    DomainEvents.publishAndWait(goods);
    assertEquals(3, infra.published().get(0).schemaVersion());
  }

  @Test
  void unitOfWorkPublishesEveryTrackedEntityInRaiseOrder() {
    InMemoryInfra infra = new InMemoryInfra();
    installation = DomainEvents.install(infra, catalog);
    UnitOfWork work = DomainEvents.unitOfWork();
    Goods first = work.track(new Goods(1));
    Goods second = work.track(new Goods(2));
    assertSame(first, work.track(first));

    second.shopping(1);
    first.shopping(1);
    second.restock();
    List<EventEnvelope> pending = work.pendingEvents();
    work.commitAndWait();

    assertEquals(
        pending.stream().map(EventEnvelope::eventId).toList(),
        infra.published().stream().map(EventEnvelope::eventId).toList());
    assertEquals(
        List.of("2", "1", "2"),
        infra.published().stream().map(EventEnvelope::aggregateId).toList());
    assertTrue(work.pendingEvents().isEmpty());
  }

  @Test
  void unitOfWorkRollbackDiscardsEvents() {
    InMemoryInfra infra = new InMemoryInfra();
    installation = DomainEvents.install(infra, catalog);
    UnitOfWork work = DomainEvents.unitOfWork();
    work.track(new Goods(1)).shopping(1);
    work.rollback();
    work.commitAndWait();
    assertTrue(infra.published().isEmpty());
  }

  @Test
  void handlerFailureSurfacesToThePublisher() {
    InMemoryInfra infra = new InMemoryInfra();
    installation =
        DomainEvents.install(
            infra,
            catalog,
            new Fixtures.StoreControllerDispatcher(
                new StoreController() {
                  @Override
                  void onShopping(GoodsObj goods, EventContext context) {
                    throw new IllegalStateException("out of stock");
                  }
                }));
    Goods goods = new Goods(1);
    goods.shopping(1);
    var error = assertThrows(EventPublishException.class, () -> DomainEvents.publishAndWait(goods));
    assertTrue(error.getMessage().contains("out of stock"), error.getMessage());
    assertEquals(1, infra.failures().size());
    assertEquals(1, infra.published().size(), "the event was recorded although its handler failed");
  }

  @Test
  void anEntityPublishedTwiceInOneCallSendsItsEventsOnce() {
    InMemoryInfra infra = new InMemoryInfra();
    installation = DomainEvents.install(infra, catalog);
    Goods first = new Goods(1);
    Goods second = new Goods(2);
    first.shopping(1);
    second.shopping(1);
    first.restock();

    DomainEvents.publishAndWait(first, second, first);

    assertEquals(
        List.of("1", "2", "1"),
        infra.published().stream().map(EventEnvelope::aggregateId).toList());
    assertEquals(3, infra.published().get(1).schemaVersion(), "versioned from the catalog");
    assertTrue(first.pendingEvents().isEmpty());
    assertTrue(second.pendingEvents().isEmpty());
  }

  @Test
  void unitOfWorkDrainTakesAndClears() {
    installation = DomainEvents.install(new InMemoryInfra(), catalog);
    UnitOfWork work = DomainEvents.unitOfWork();
    work.track(new Goods(2)).shopping(1);
    work.track(new Goods(1)).restock();

    List<EventEnvelope> drained = work.drain();

    assertEquals(List.of("2", "1"), drained.stream().map(EventEnvelope::aggregateId).toList());
    assertEquals(3, drained.get(0).schemaVersion(), "versioned from the installed catalog");
    assertTrue(work.pendingEvents().isEmpty());
  }

  @Test
  void anEventRaisedThroughItsConstantReachesTheInfraWithItsType() {
    InMemoryInfra infra = new InMemoryInfra();
    installation = DomainEvents.install(infra, catalog);
    Goods goods = new Goods(1);
    goods.restock();
    DomainEvents.publishAndWait(goods);
    assertSame(Fixtures.GoodsEvents.RESTOCK, infra.published().get(0).type());
  }

  @Test
  void publishingAnEventNoRegistryKnowsFails() {
    InMemoryInfra infra = new InMemoryInfra();
    installation = DomainEvents.install(infra, catalog);
    Stranger stranger = new Stranger();
    stranger.arrive();

    var error =
        assertThrows(EventPublishException.class, () -> DomainEvents.publishAndWait(stranger));

    assertTrue(
        error.getCause() instanceof IllegalArgumentException, String.valueOf(error.getCause()));
    assertTrue(
        error.getMessage().contains("unknown event \"Stranger:Arrive\""), error.getMessage());
    assertTrue(infra.published().isEmpty(), "nothing of the batch is recorded");
  }

  @Test
  void theInstalledInfraIsFoundThroughTheSpiOnly() {
    InMemoryInfra infra = new InMemoryInfra();
    installation = DomainEvents.install(infra, catalog);
    assertSame(infra, InstalledInfra.infra());
    assertSame(catalog, InstalledInfra.catalog());
    assertSame(catalog, InstalledInfra.catalogIfInstalled());
    installation.close();
    installation = null;
    assertEquals(null, InstalledInfra.catalogIfInstalled());
    var error = assertThrows(IllegalStateException.class, InstalledInfra::catalog);
    assertTrue(error.getMessage().contains("DomainEvents.install("), error.getMessage());
  }

  private static final class Stranger extends Entity {
    void arrive() {
      domainEvent("Stranger:Arrive", "hello");
    }

    @Override
    public String identity() {
      return "s-1";
    }
  }
}
