package dev.domainevents.kafka;

import static dev.domainevents.kafka.Fixtures.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.domainevents.Entity;
import dev.domainevents.EventContext;
import dev.domainevents.EventEnvelope;
import dev.domainevents.EventType;
import dev.domainevents.spi.EventCatalog;
import dev.domainevents.spi.EventDispatcher;
import dev.domainevents.test.kafka.EmbeddedKafkaExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The README's promise, "Event order": an aggregate's events are handled in the order raised,
 * across event types. It rests on the default topic, one per aggregate type: with one topic per
 * event type, an order's Created, Paid and Shipped events would be read from three topics, each at
 * its own pace, and this test fails.
 */
class AggregateOrderTest {
  @RegisterExtension static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

  private static final Duration WAIT = Duration.ofSeconds(240);
  private static final int AGGREGATES = 100;
  private static final int EVENTS = 10_000;
  private static final int PER_AGGREGATE = EVENTS / AGGREGATES;
  private static final int PARTITIONS = 3;

  /** The payload of every event: which aggregate, and its place in the aggregate's history. */
  record Step(long order, int sequence) {}

  // Default topics, as the processor generates them when no override is declared.
  static final EventType<Step> CREATED = EventType.of("Order:Created", Step.class);
  static final EventType<Step> PAID = EventType.of("Order:Paid", Step.class);
  static final EventType<Step> SHIPPED = EventType.of("Order:Shipped", Step.class);
  static final List<EventType<Step>> TYPES = List.of(CREATED, PAID, SHIPPED);

  /** An aggregate that raises the three event types in a random mix, numbering its events. */
  static final class Order extends Entity {
    private final long id;
    private int sequence;

    Order(long id) {
      this.id = id;
    }

    void raise(EventType<Step> type) {
      domainEvent(type, new Step(id, sequence++));
    }

    @Override
    public String identity() {
      return Long.toString(id);
    }
  }

  /** Records, per aggregate, the sequence numbers in the order they were handled. */
  static final class Recorder implements EventDispatcher {
    final Map<Long, List<Integer>> handled;
    final AtomicInteger count = new AtomicInteger();

    Recorder(Map<Long, List<Integer>> handled) {
      this.handled = handled;
    }

    @Override
    public Set<String> events() {
      Set<String> names = new LinkedHashSet<>();
      TYPES.forEach(type -> names.add(type.name()));
      return names;
    }

    @Override
    public Map<String, Class<?>> topics() {
      return Map.of();
    }

    @Override
    public boolean dispatch(EventContext context) {
      Step step = (Step) context.envelope().payload();
      List<Integer> sequences = handled.computeIfAbsent(step.order(), k -> new ArrayList<>());
      synchronized (sequences) {
        sequences.add(step.sequence());
      }
      count.incrementAndGet();
      return true;
    }
  }

  @Test
  void eachAggregatesEventsAreHandledInTheOrderRaisedAcrossTypes() throws Exception {
    String bootstrap = KAFKA.bootstrapServers();
    Set<String> topics = new LinkedHashSet<>();
    TYPES.forEach(type -> topics.add(type.topic()));
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
      List<NewTopic> created = new ArrayList<>();
      for (String topic : topics) {
        created.add(new NewTopic(topic, PARTITIONS, (short) 1));
      }
      admin.createTopics(created).all().get(60, TimeUnit.SECONDS);
    }

    Map<Long, List<Integer>> handled = new ConcurrentHashMap<>();
    Recorder first = new Recorder(handled);
    Recorder second = new Recorder(handled);
    EventCatalog catalog = EventCatalog.of(Fixtures.registry(List.copyOf(TYPES)));
    try (KafkaInfra one = start(bootstrap, catalog, first);
        KafkaInfra two = start(bootstrap, catalog, second)) {
      // Both consumers own partitions of the event topics before anything is published: no
      // rebalance mid-test. (Their retry topics are subscribed too, and not counted.)
      int partitions = topics.size() * PARTITIONS;
      await(
          WAIT,
          "both consumers to share all " + partitions + " partitions",
          () -> {
            int mine = owned(one, topics);
            int theirs = owned(two, topics);
            return mine > 0 && theirs > 0 && mine + theirs == partitions;
          });

      Order[] orders = new Order[AGGREGATES];
      for (int i = 0; i < AGGREGATES; i++) {
        orders[i] = new Order(i);
      }
      Random random = new Random(12);
      for (int round = 0; round < PER_AGGREGATE; round++) {
        for (Order order : orders) {
          order.raise(TYPES.get(random.nextInt(TYPES.size())));
        }
        if (round % 10 == 9) {
          List<EventEnvelope> batch = Fixtures.drain(orders);
          one.publishAndWait(batch);
        }
      }

      await(
          WAIT,
          "all " + EVENTS + " events",
          () -> first.count.get() + second.count.get() >= EVENTS);
      assertFalse(
          first.count.get() == 0 || second.count.get() == 0, "both instances handled events");
      List<Integer> expected = new ArrayList<>();
      for (int i = 0; i < PER_AGGREGATE; i++) {
        expected.add(i);
      }
      assertEquals(AGGREGATES, handled.size());
      for (Map.Entry<Long, List<Integer>> aggregate : handled.entrySet()) {
        synchronized (aggregate.getValue()) {
          assertEquals(
              expected,
              aggregate.getValue(),
              "order " + aggregate.getKey() + "'s events, in the order they were handled");
        }
      }
    }
  }

  private static int owned(KafkaInfra infra, Set<String> topics) {
    int owned = 0;
    for (TopicPartition partition : infra.assignment()) {
      if (topics.contains(partition.topic())) {
        owned++;
      }
    }
    return owned;
  }

  private static KafkaInfra start(String bootstrap, EventCatalog catalog, EventDispatcher handler) {
    Properties props = Fixtures.fastClient(bootstrap, "orders");
    KafkaInfra infra = KafkaInfra.builder().properties(props).build();
    infra.subscribe(handler);
    infra.start(catalog);
    return infra;
  }
}
