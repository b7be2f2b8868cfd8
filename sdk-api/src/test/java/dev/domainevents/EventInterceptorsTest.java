package dev.domainevents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.domainevents.EventInterceptor.Outcome;
import dev.domainevents.Fixtures.Goods;
import dev.domainevents.Fixtures.Registry;
import dev.domainevents.Fixtures.StoreController;
import dev.domainevents.memory.InMemoryInfra;
import dev.domainevents.spi.Envelopes;
import dev.domainevents.spi.EventCatalog;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

class EventInterceptorsTest {
  private final EventCatalog catalog = EventCatalog.of(new Registry());
  private final List<String> calls = new ArrayList<>();
  private DomainEvents.Installation installation;

  @AfterEach
  void uninstall() {
    if (installation != null) {
      installation.close();
    }
    MDC.clear();
  }

  /** Records each call with its name, so the order of the chain shows. */
  private final class Recording implements EventInterceptor {
    private final String name;

    Recording(String name) {
      this.name = name;
    }

    @Override
    public CompletableFuture<Void> publishBatch(
        List<EventEnvelope> batch, String system, BatchStep next) {
      calls.add(name + ".batch " + batch.size() + " " + system);
      return next.publish(batch);
    }

    @Override
    public CompletableFuture<Void> publish(Publication publication, PublishStep next) {
      calls.add(name + ".publish " + publication.envelope().name());
      return next.publish(publication.envelope());
    }

    @Override
    public void handle(Delivery delivery, HandleStep next) throws Exception {
      calls.add(name + ".handle " + delivery.name() + " " + delivery.system());
      next.handle();
      calls.add(name + ".handled " + delivery.name());
    }

    @Override
    public void onOutcome(Delivery delivery, Outcome outcome, Throwable cause, long nanos) {
      calls.add(name + ".outcome " + delivery.name() + " " + outcome);
    }
  }

  @Test
  void runsInterceptorsOutermostFirstAroundPublishAndHandling() {
    InMemoryInfra infra = new InMemoryInfra();
    StoreController store = new StoreController();
    installation =
        DomainEvents.install(
            infra,
            catalog,
            EventInterceptors.builder()
                .logContext(false)
                .add(new Recording("a"))
                .add(new Recording("b"))
                .build(),
            store);
    Goods goods = new Goods(7);
    goods.shopping(2);

    DomainEvents.publishAndWait(goods);

    assertEquals(
        List.of(
            "a.batch 1 memory",
            "b.batch 1 memory",
            "a.publish Goods:Shopping",
            "b.publish Goods:Shopping",
            "a.handle Goods:Shopping memory",
            "b.handle Goods:Shopping memory",
            // the handler publishes Goods:Restock; the in-memory infra records it at once
            "a.batch 1 memory",
            "b.batch 1 memory",
            "a.publish Goods:Restock",
            "b.publish Goods:Restock",
            "b.handled Goods:Shopping",
            "a.handled Goods:Shopping",
            "a.outcome Goods:Shopping HANDLED",
            "b.outcome Goods:Shopping HANDLED",
            "a.handle Goods:Restock memory",
            "b.handle Goods:Restock memory",
            "b.handled Goods:Restock",
            "a.handled Goods:Restock",
            "a.outcome Goods:Restock HANDLED",
            "b.outcome Goods:Restock HANDLED"),
        calls);
  }

  @Test
  void anInterceptorThatThrowsIsSkippedAndTheEventGoesOn() {
    InMemoryInfra infra = new InMemoryInfra();
    StoreController store = new StoreController();
    EventInterceptor broken =
        new EventInterceptor() {
          @Override
          public CompletableFuture<Void> publish(Publication publication, PublishStep next) {
            throw new IllegalStateException("broken publish interceptor");
          }

          @Override
          public void handle(Delivery delivery, HandleStep next) {
            throw new IllegalStateException("broken handle interceptor");
          }

          @Override
          public void onOutcome(Delivery delivery, Outcome outcome, Throwable cause, long nanos) {
            throw new IllegalStateException("broken outcome interceptor");
          }
        };
    installation =
        DomainEvents.install(
            infra,
            catalog,
            EventInterceptors.builder().add(broken).add(new Recording("after")).build(),
            store);
    Goods goods = new Goods(7);
    goods.shopping(2);

    DomainEvents.publishAndWait(goods);

    assertEquals(2, infra.published().size(), "both events were published");
    assertEquals(2, store.handled.size(), "both events were handled");
    assertTrue(calls.contains("after.handle Goods:Shopping memory"), calls.toString());
    assertTrue(calls.contains("after.outcome Goods:Restock HANDLED"), calls.toString());
    assertTrue(infra.failures().isEmpty(), infra.failures().toString());
  }

  @Test
  void anInterceptorCannotHideAHandlerFailure() {
    InMemoryInfra infra = new InMemoryInfra();
    EventInterceptor swallowing =
        new EventInterceptor() {
          @Override
          public void handle(Delivery delivery, HandleStep next) {
            try {
              next.handle();
            } catch (Exception e) {
              calls.add("swallowed " + e.getMessage());
            }
          }
        };
    EventInterceptors interceptors = EventInterceptors.builder().add(swallowing).build();
    Delivery delivery =
        Delivery.of(
            EventContext.of(Envelopes.event("Goods:Shopping", "1", "x", Map.of())),
            "test",
            "goods",
            null);

    IllegalStateException thrown =
        assertThrows(
            IllegalStateException.class,
            () ->
                interceptors.handle(
                    delivery,
                    () -> {
                      throw new IllegalStateException("handler failed");
                    }));

    assertEquals("handler failed", thrown.getMessage());
    assertEquals(List.of("swallowed handler failed"), calls);
    infra.close();
  }

  @Test
  void noneRunsTheStepsDirectly() throws Exception {
    EventInterceptors none = EventInterceptors.none();
    assertTrue(none.isEmpty());
    EventEnvelope event = Envelopes.event("Goods:Shopping", "1", "x", Map.of());
    CompletableFuture<Void> done = CompletableFuture.completedFuture(null);
    assertSame(
        done,
        none.publish(
            new EventInterceptor.Publication(event, "test", "goods"),
            envelope -> {
              assertSame(event, envelope);
              return done;
            }));
    boolean[] ran = new boolean[1];
    none.handle(Delivery.of(EventContext.of(event), "test", "goods", null), () -> ran[0] = true);
    assertTrue(ran[0]);
  }

  @Test
  void logContextHoldsTheIdsWhileHandlingAndRestoresThemAfter() throws Exception {
    EventEnvelope handled;
    try (EventScope scope = EventScope.correlate("corr-1")) {
      handled = Envelopes.event("Goods:Shopping", "goods-7", "x", Map.of());
    }
    EventEnvelope cause = handled;
    EventEnvelope caused;
    try (Envelopes.Scope scope = Envelopes.handling(cause)) {
      caused = Envelopes.event("Goods:Restock", "goods-7", "y", Map.of());
    }
    MDC.put("eventId", "outer");
    Map<String, String> seen = new HashMap<>();

    for (int attempt = 1; attempt <= 2; attempt++) {
      int current = attempt;
      assertThrows(
          IllegalStateException.class,
          () ->
              EventInterceptors.defaults()
                  .handle(
                      Delivery.of(caused, current, "test", "goods", null, -1, -1),
                      () -> {
                        seen.putAll(MDC.getCopyOfContextMap());
                        throw new IllegalStateException("fails on attempt " + current);
                      }));
      assertEquals(caused.eventId().toString(), seen.get("eventId"));
      assertEquals("Goods:Restock", seen.get("eventName"));
      assertEquals("Goods", seen.get("aggregateType"));
      assertEquals("goods-7", seen.get("aggregateId"));
      assertEquals("corr-1", seen.get("correlationId"));
      assertEquals(cause.eventId().toString(), seen.get("causationId"));
      assertEquals("outer", MDC.get("eventId"), "restored after a failure");
      assertNull(MDC.get("eventName"), "cleared after a failure");
      assertNull(MDC.get("causationId"));
      seen.clear();
    }
  }

  @Test
  void outcomesOfFailedHandlingReachEveryInterceptor() {
    InMemoryInfra infra = new InMemoryInfra();
    List<Outcome> outcomes = new ArrayList<>();
    installation =
        DomainEvents.install(
            infra,
            catalog,
            EventInterceptors.builder()
                .add(
                    new EventInterceptor() {
                      @Override
                      public void onOutcome(
                          Delivery delivery, Outcome outcome, Throwable cause, long nanos) {
                        outcomes.add(outcome);
                      }
                    })
                .build(),
            new StoreController() {
              @Override
              void onShopping(Fixtures.GoodsObj goods, EventContext context) {
                throw new IllegalStateException("out of stock");
              }
            });
    Goods goods = new Goods(7);
    goods.shopping(2);

    assertThrows(EventPublishException.class, () -> DomainEvents.publishAndWait(goods));

    assertEquals(List.of(Outcome.DEAD_LETTERED), outcomes);
  }

  @Test
  void theLogContextAloneLeavesPublishingToTheInfrasDirectPath() {
    assertFalse(EventInterceptors.defaults().interceptsPublishing());
    assertFalse(EventInterceptors.none().interceptsPublishing());
    assertTrue(EventInterceptors.builder().add(new Recording("a")).build().interceptsPublishing());

    List<EventEnvelope> batch = List.of(Envelopes.event("Goods:Shopping", "1", "x", Map.of()));
    List<List<EventEnvelope>> published = new ArrayList<>();
    CompletableFuture<Void> done =
        EventInterceptors.defaults()
            .publishBatch(
                batch,
                "test",
                events -> {
                  published.add(events);
                  return CompletableFuture.completedFuture(null);
                });
    assertTrue(done.isDone());
    assertEquals(1, published.size());
    assertSame(batch, published.get(0));
  }
}
