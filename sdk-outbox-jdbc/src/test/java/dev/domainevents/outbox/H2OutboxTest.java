package dev.domainevents.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.domainevents.DomainEvents;
import dev.domainevents.memory.InMemoryInfra;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The outbox on embedded H2, which also supports {@code FOR UPDATE SKIP LOCKED}. */
class H2OutboxTest extends OutboxContract {
  @RegisterExtension
  static final TestDatabase.PerClass DATABASE = new TestDatabase.PerClass(TestDatabase::h2);

  @Override
  TestDatabase database() {
    return DATABASE.get();
  }

  @Override
  int twoRelayEventCount() {
    return 2_000;
  }

  @Test
  void relayWithoutAnInstalledInfraFailsWithoutSpendingAttempts() throws Exception {
    sellAndCommit(1, new Goods("apple"));
    installation.close();
    try {
      IllegalStateException error =
          assertThrows(IllegalStateException.class, relay().build()::pollOnce);
      assertTrue(error.getMessage().contains("no domain event infra is installed"));
      assertEquals(1, database().count("status = 0 AND attempts = 0"));
    } finally {
      infra = new SwitchableInfra(new InMemoryInfra());
      installation = DomainEvents.install(infra, Goods.CATALOG, recorder);
    }
    assertEquals(1, relay().build().pollOnce());
  }
}
