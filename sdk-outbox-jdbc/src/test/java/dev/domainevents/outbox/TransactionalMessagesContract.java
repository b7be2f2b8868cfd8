package dev.domainevents.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.domainevents.DomainEvents;
import dev.domainevents.memory.InMemoryInfra;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Half messages: held on begin, released on commit, dropped on rollback, checked when stale. */
abstract class TransactionalMessagesContract {
  final JdbcOutbox outbox = JdbcOutbox.create();
  final Recorder recorder = new Recorder();
  final MutableClock clock = new MutableClock();
  final Map<Long, TransactionDecision> answers = new ConcurrentHashMap<>();
  final Map<Long, Integer> checks = new ConcurrentHashMap<>();
  DomainEvents.Installation installation;
  TransactionalMessages messages;
  OutboxRelay relay;

  abstract TestDatabase database();

  @BeforeEach
  void setUp() throws SQLException {
    database().clear();
    installation = DomainEvents.install(new InMemoryInfra(), Goods.CATALOG, recorder);
    messages =
        TransactionalMessages.builder(database().dataSource(), outbox)
            .checkAfter(Duration.ofMinutes(1))
            .checkRetry(RetryStrategy.interval(2, Duration.ofMinutes(1)))
            .checker(
                held -> {
                  checks.merge(held.id(), 1, Integer::sum);
                  assertEquals(1, held.events().size());
                  TransactionDecision answer = answers.get(held.id());
                  if (answer == null) {
                    throw new IllegalStateException("payment service unreachable (simulated)");
                  }
                  return answer;
                })
            .clock(clock)
            .build();
    relay = OutboxRelay.builder(database().dataSource(), outbox).build();
  }

  @AfterEach
  void tearDown() {
    messages.close();
    installation.close();
  }

  HeldTransaction beginOne(String sku) throws SQLException {
    Goods goods = new Goods(sku);
    goods.sell();
    HeldTransaction held = messages.begin(goods);
    assertTrue(goods.pendingEvents().isEmpty());
    return held;
  }

  @Test
  void beginHoldsAndCommitReleases() throws Exception {
    HeldTransaction held = beginOne("apple");
    assertEquals(0, relay.pollOnce(), "held events are not shipped");
    messages.commit(held.id());
    assertEquals(1, relay.pollOnce());
    assertEquals(held.events(), recorder.deduped());
    assertThrows(IllegalStateException.class, () -> messages.rollback(held.id()));
  }

  @Test
  void rollbackDrops() throws Exception {
    HeldTransaction held = beginOne("apple");
    messages.rollback(held.id());
    assertEquals(0, relay.pollOnce());
    assertEquals(0, rows("domain_event_held") + rows("domain_event_transaction"));
    assertThrows(IllegalStateException.class, () -> messages.commit(held.id()));
    assertEquals(List.of(), recorder.deliveries());
  }

  @Test
  void checkerDecidesStaleHoldsAndItsDecisionIsFinal() throws Exception {
    HeldTransaction committed = beginOne("apple");
    HeldTransaction rolledBack = beginOne("pear");
    HeldTransaction undecided = beginOne("plum");
    answers.put(committed.id(), TransactionDecision.COMMIT);
    answers.put(rolledBack.id(), TransactionDecision.ROLLBACK);

    assertEquals(0, messages.checkOverdue());
    assertEquals(Map.of(), checks, "nothing is checked before the timeout");

    clock.advance(Duration.ofMinutes(1));
    assertEquals(2, messages.checkOverdue());
    assertEquals(1, relay.pollOnce(), "the committed hold was released");
    assertEquals(committed.events(), recorder.deduped());
    assertThrows(IllegalStateException.class, () -> messages.rollback(committed.id()));
    assertThrows(IllegalStateException.class, () -> messages.commit(rolledBack.id()));

    // The undecided one is asked again after the retry interval, then kept as failed.
    assertEquals(0, messages.checkOverdue());
    clock.advance(Duration.ofMinutes(1));
    assertEquals(0, messages.checkOverdue());
    clock.advance(Duration.ofHours(1));
    assertEquals(0, messages.checkOverdue());
    assertEquals(2, checks.get(undecided.id()), "exactly the two configured checks");
    assertEquals(1, checks.get(committed.id()));

    List<HeldTransaction> failed = messages.failed(10);
    assertEquals(1, failed.size());
    assertEquals(undecided.id(), failed.get(0).id());
    assertEquals(undecided.events(), failed.get(0).events());
    assertTrue(
        failed.get(0).lastError().contains("payment service unreachable"),
        failed.get(0).lastError());

    messages.commit(undecided.id()); // an operator decides
    assertEquals(1, relay.pollOnce());
    assertEquals(2, recorder.deduped().size());
  }

  @Test
  void startedCheckerRunsOnItsOwn() throws Exception {
    TransactionalMessages scheduled =
        TransactionalMessages.builder(database().dataSource(), outbox)
            .checkAfter(Duration.ZERO)
            .checkInterval(Duration.ofMillis(20))
            .checker(held -> TransactionDecision.COMMIT)
            .build()
            .start();
    try (OutboxRelay started =
        OutboxRelay.builder(database().dataSource(), outbox)
            .pollInterval(Duration.ofMinutes(1))
            .build()
            .start()) {
      Goods goods = new Goods("apple");
      goods.sell();
      HeldTransaction held = scheduled.begin(goods); // and never committed by its owner
      assertEquals(held.events(), recorder.awaitDistinct(1, Duration.ofSeconds(20)));
    } finally {
      scheduled.close();
    }
  }

  private long rows(String table) throws SQLException {
    try (Connection connection = database().dataSource().getConnection();
        Statement statement = connection.createStatement();
        var result = statement.executeQuery("SELECT COUNT(*) FROM " + table)) {
      result.next();
      return result.getLong(1);
    }
  }
}
