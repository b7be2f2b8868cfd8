package dev.domainevents.test.contract;

import dev.domainevents.memory.InMemoryInfra;
import dev.domainevents.spi.DedupeStore;
import dev.domainevents.spi.DomainEventInfra;
import dev.domainevents.spi.EventCatalog;
import dev.domainevents.spi.EventDispatcher;

/**
 * The delivery contract on the in-memory infra. It has no broker between instances, no retries and
 * no dead letters, so it runs {@link DeliveryContract} only, with one instance.
 */
class InMemoryInfraContractTest implements DeliveryContract {
  @Override
  public DomainEventInfra startInfra(
      EventCatalog catalog, DedupeStore dedupe, EventDispatcher handler) {
    InMemoryInfra infra = new InMemoryInfra();
    infra.subscribe(handler);
    infra.start(catalog);
    return infra;
  }

  @Override
  public int consumerInstances() {
    return 1;
  }
}
