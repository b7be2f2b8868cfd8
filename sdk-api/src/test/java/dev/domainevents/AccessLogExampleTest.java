package dev.domainevents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.domainevents.Fixtures.Goods;
import dev.domainevents.Fixtures.Registry;
import dev.domainevents.Fixtures.StoreController;
import dev.domainevents.memory.InMemoryInfra;
import dev.domainevents.spi.EventCatalog;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/** The README's access-log interceptor, compiled and run as written there. */
class AccessLogExampleTest {
  private DomainEvents.Installation installation;

  @AfterEach
  void uninstall() {
    if (installation != null) {
      installation.close();
    }
  }

  // README: the access log, from here ...
  /** Logs one line per delivery attempt: what, from where, what became of it, how long. */
  static final class AccessLog implements EventInterceptor {
    private static final Logger log = LoggerFactory.getLogger(AccessLog.class);

    @Override
    public void onOutcome(Delivery delivery, Outcome outcome, Throwable cause, long durationNanos) {
      log.info(
          "{} {} from {}:{} attempt {}: {} in {} us",
          delivery.name(),
          delivery.eventId(),
          delivery.system(),
          delivery.destination(),
          delivery.attempt(),
          outcome,
          durationNanos / 1_000);
    }
  }

  // ... to here.

  /** The access log, plus a record of what it saw and of the MDC inside the handler. */
  static final class Observed implements EventInterceptor {
    final List<String> lines = new CopyOnWriteArrayList<>();
    final List<String> mdcInHandler = new CopyOnWriteArrayList<>();

    @Override
    public void handle(Delivery delivery, HandleStep next) throws Exception {
      mdcInHandler.add(MDC.get("eventId") + " " + MDC.get("correlationId"));
      next.handle();
    }

    @Override
    public void onOutcome(Delivery delivery, Outcome outcome, Throwable cause, long nanos) {
      lines.add(delivery.name() + " " + delivery.system() + " " + outcome);
    }
  }

  @Test
  void theAccessLogRunsAroundEveryDeliveryWithTheLogContextOutside() {
    Observed observed = new Observed();
    StoreController store = new StoreController();
    // README: registering it
    installation =
        DomainEvents.install(
            new InMemoryInfra(),
            EventCatalog.of(new Registry()),
            EventInterceptors.builder().add(new AccessLog()).add(observed).build(),
            store);
    Goods goods = new Goods(7);
    goods.shopping(2);

    DomainEvents.publishAndWait(goods);

    assertEquals(
        List.of("Goods:Shopping memory HANDLED", "Goods:Restock memory HANDLED"), observed.lines);
    // The log context is outermost: the interceptors added after it see the ids in the MDC.
    EventContext first = store.handled.get(0);
    assertEquals(first.eventId() + " " + first.correlationId(), observed.mdcInHandler.get(0));
    assertTrue(MDC.get("eventId") == null, "cleared after handling");
  }
}
