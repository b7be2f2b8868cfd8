package dev.domainevents.amqp;

import static dev.domainevents.amqp.Fixtures.SELL_TOPIC;
import static dev.domainevents.amqp.Fixtures.SHOPPING;
import static dev.domainevents.amqp.Fixtures.await;
import static dev.domainevents.amqp.Fixtures.drain;
import static dev.domainevents.amqp.Fixtures.fast;
import static dev.domainevents.amqp.Fixtures.start;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.domainevents.EventContext;
import dev.domainevents.EventEnvelope;
import dev.domainevents.EventPublishException;
import dev.domainevents.amqp.Fixtures.Goods;
import dev.domainevents.amqp.Fixtures.GoodsObj;
import dev.domainevents.amqp.Fixtures.SellMessage;
import dev.domainevents.spi.EventDispatcher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Volume, ordering and lost connections, against the RabbitMQ on 127.0.0.1:5672. */
@Tag("rabbitmq")
class AmqpDeliveryTest {
  private static final Duration WAIT = Duration.ofSeconds(180);
  private static final int AGGREGATES = 100;
  private static final int EVENTS_EACH = 100;

  /** Records every handled event of any instance into one queue, in handling order. */
  private static class SharedHandler implements EventDispatcher {
    private final Queue<EventEnvelope> handled;
    private final long delayNanos;

    SharedHandler(Queue<EventEnvelope> handled, long delayNanos) {
      this.handled = handled;
      this.delayNanos = delayNanos;
    }

    @Override
    public Set<String> events() {
      return Set.of(SHOPPING);
    }

    @Override
    public Map<String, Class<?>> topics() {
      return Map.of(SELL_TOPIC, SellMessage.class);
    }

    @Override
    public boolean dispatch(EventContext context) throws InterruptedException {
      if (delayNanos > 0) {
        TimeUnit.NANOSECONDS.sleep(delayNanos);
      }
      handled.add(context.envelope());
      return true;
    }
  }

  /** Raises {@code EVENTS_EACH} events on each of {@code AGGREGATES} goods, one batch a round. */
  private static List<Set<UUID>> publishAll(AmqpInfra infra) throws Exception {
    Goods[] goods = new Goods[AGGREGATES];
    for (int i = 0; i < AGGREGATES; i++) {
      goods[i] = new Goods(i);
    }
    List<CompletableFuture<Void>> futures = new ArrayList<>();
    List<Set<UUID>> ids = new ArrayList<>();
    for (int round = 0; round < EVENTS_EACH; round++) {
      for (Goods g : goods) {
        g.shopping(1);
      }
      List<EventEnvelope> batch = drain(goods);
      Set<UUID> batchIds = new HashSet<>();
      batch.forEach(e -> batchIds.add(e.eventId()));
      ids.add(batchIds);
      futures.add(infra.publish(batch));
    }
    CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0]))
        .get(120, TimeUnit.SECONDS);
    return ids;
  }

  @Test
  void tenThousandEventsOverTwoInstancesAreEachHandledExactlyOnce() throws Exception {
    try (RabbitVhost vhost = RabbitVhost.create("volume")) {
      Queue<EventEnvelope> handled = new ConcurrentLinkedQueue<>();
      Properties props = fast(vhost, "shop");
      props.setProperty("domainevents.consumer.concurrency", "2");
      try (AmqpInfra first = start(props, new SharedHandler(handled, 0));
          AmqpInfra second = start(props, new SharedHandler(handled, 0))) {
        publishAll(first);
        int total = AGGREGATES * EVENTS_EACH;
        await(WAIT, total + " events", () -> handled.size() >= total);
        Thread.sleep(500); // a duplicate would arrive now
        Set<UUID> distinct = new HashSet<>();
        handled.forEach(e -> distinct.add(e.eventId()));
        assertEquals(total, distinct.size());
        assertEquals(total, handled.size(), "exactly once");
      }
    }
  }

  @Test
  void inOrderedModeEachAggregatesEventsAreHandledInOrderAcrossTwoInstances() throws Exception {
    try (RabbitVhost vhost = RabbitVhost.create("ordered")) {
      Queue<EventEnvelope> handled = new ConcurrentLinkedQueue<>();
      Properties props = fast(vhost, "shop");
      props.setProperty("domainevents.ordered", "true");
      Queue<EventEnvelope> failedOnce = new ConcurrentLinkedQueue<>();
      EventDispatcher flaky =
          new SharedHandler(handled, 0) {
            @Override
            public boolean dispatch(EventContext context) throws InterruptedException {
              // Every 97th event fails once: the retry blocks, so order still holds.
              GoodsObj goods = (GoodsObj) context.envelope().payload();
              if ((goods.id() * EVENTS_EACH + goods.sequence()) % 97 == 0
                  && context.attempt() == 1) {
                failedOnce.add(context.envelope());
                throw new IllegalStateException("once");
              }
              return super.dispatch(context);
            }
          };
      try (AmqpInfra first = start(props, flaky);
          AmqpInfra second = start(props, new SharedHandler(handled, 0))) {
        publishAll(first);
        int total = AGGREGATES * EVENTS_EACH;
        await(WAIT, total + " events", () -> handled.size() >= total);
        assertTrue(!failedOnce.isEmpty(), "some events failed once and were retried in place");
        Map<Long, List<Integer>> sequences = new HashMap<>();
        for (EventEnvelope event : handled) {
          GoodsObj goods = (GoodsObj) event.payload();
          sequences.computeIfAbsent(goods.id(), id -> new ArrayList<>()).add(goods.sequence());
        }
        assertEquals(AGGREGATES, sequences.size());
        for (Map.Entry<Long, List<Integer>> aggregate : sequences.entrySet()) {
          List<Integer> expected = new ArrayList<>();
          for (int i = 0; i < EVENTS_EACH; i++) {
            expected.add(i);
          }
          assertEquals(expected, aggregate.getValue(), "goods " + aggregate.getKey());
        }
      }
    }
  }

  @Test
  void connectionsClosedMidPublishAndMidConsumeLoseNothingConfirmedAndSurfaceTheRest()
      throws Exception {
    try (RabbitVhost vhost = RabbitVhost.create("force-close")) {
      Queue<EventEnvelope> handled = new ConcurrentLinkedQueue<>();
      Properties consumer = fast(vhost, "shop");
      Properties publisher = fast(vhost, null);
      try (AmqpInfra consuming = start(consumer, new SharedHandler(handled, 200_000));
          AmqpInfra publishing = start(publisher)) {
        Map<CompletableFuture<Void>, List<UUID>> batches = new HashMap<>();
        AtomicBoolean stop = new AtomicBoolean();
        Thread publish =
            new Thread(
                () -> {
                  Goods goods = new Goods(1);
                  while (!stop.get()) {
                    for (int i = 0; i < 10; i++) {
                      goods.shopping(1);
                    }
                    List<EventEnvelope> batch = drain(goods);
                    List<UUID> ids = batch.stream().map(EventEnvelope::eventId).toList();
                    CompletableFuture<Void> future;
                    try {
                      future = publishing.publish(batch);
                    } catch (RuntimeException e) {
                      future = CompletableFuture.failedFuture(e);
                    }
                    synchronized (batches) {
                      batches.put(future, ids);
                    }
                    try {
                      Thread.sleep(5);
                    } catch (InterruptedException e) {
                      return;
                    }
                  }
                });
        publish.start();
        await(WAIT, "consuming to start", () -> handled.size() > 200);
        vhost.closeAllConnections(); // both infras lose both connections mid-flight
        Thread.sleep(1_500); // keep publishing through the outage and the recovery
        stop.set(true);
        publish.join(30_000);

        Set<UUID> confirmed = new HashSet<>();
        int failed = 0;
        for (Map.Entry<CompletableFuture<Void>, List<UUID>> batch : batches.entrySet()) {
          try {
            batch.getKey().get(60, TimeUnit.SECONDS); // every publish settles: none hangs
            confirmed.addAll(batch.getValue());
          } catch (ExecutionException e) {
            assertInstanceOf(EventPublishException.class, e.getCause());
            failed++;
          }
        }
        assertTrue(failed > 0, "the outage surfaced as failed publishes");
        Set<UUID> seen = new HashSet<>();
        await(
            WAIT,
            "every confirmed event handled after the recovery",
            () -> {
              handled.forEach(e -> seen.add(e.eventId()));
              return seen.containsAll(confirmed);
            });

        // And the publisher works again.
        Goods later = new Goods(2);
        later.shopping(1);
        publishing.publishAndWait(drain(later));
      }
    }
  }
}
