package dev.domainevents.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.domainevents.InfraHealth;
import dev.domainevents.InfraHealth.Consumer;
import dev.domainevents.InfraHealth.PartitionLag;
import dev.domainevents.InfraHealth.Publisher;
import dev.domainevents.InfraHealth.State;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.simple.SimpleConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class HealthGaugesTest {
  private final MockClock clock = new MockClock();
  private final MeterRegistry registry = new SimpleMeterRegistry(SimpleConfig.DEFAULT, clock);
  private final AtomicReference<InfraHealth> health = new AtomicReference<>();
  private final AtomicInteger reads = new AtomicInteger();

  @Test
  void gaugesReadLagStateRestartsAndCountsFromTheSnapshot() {
    health.set(
        snapshot(
            State.RUNNING,
            new Consumer(
                "shop-0",
                "shop",
                State.RETRYING,
                "boom",
                2,
                List.of(new PartitionLag("goods", 0, 5), new PartitionLag("goods", 1, 0))),
            Map.of("outbox.pending", 12L, "outbox.failed", 1L)));
    bind();

    assertEquals(5.0, lag("goods", "0"));
    assertEquals(0.0, lag("goods", "1"));
    assertEquals(1.0, consumerState("retrying"));
    assertEquals(0.0, consumerState("running"));
    assertEquals(
        2.0,
        registry
            .get("domainevents.consumer.restarts")
            .tags("system", "kafka", "consumer", "shop-0", "group", "shop")
            .functionCounter()
            .count());
    assertEquals(1.0, publisherState("running"));
    assertEquals(0.0, publisherState("stopped"));
    assertEquals(12.0, count("domainevents.outbox.pending"));
    assertEquals(1.0, count("domainevents.outbox.failed"));
  }

  @Test
  void oneSnapshotServesAllGaugesOfAScrapeAndIsRereadAfterASecond() {
    health.set(snapshot(State.RUNNING, consumer(new PartitionLag("goods", 0, 5)), Map.of()));
    bind();
    int afterBind = reads.get();
    lag("goods", "0");
    consumerState("running");
    publisherState("running");
    assertEquals(afterBind, reads.get(), "read within a second of the last snapshot");

    health.set(snapshot(State.RUNNING, consumer(new PartitionLag("goods", 0, 0)), Map.of()));
    assertEquals(5.0, lag("goods", "0"), "the old snapshot still serves");
    clock.add(HealthGauges.MAX_AGE_NANOS, TimeUnit.NANOSECONDS);
    assertEquals(0.0, lag("goods", "0"), "caught up");
    assertEquals(afterBind + 1, reads.get());
  }

  @Test
  void partitionsThatAppearAreRegisteredAndThoseThatVanishAreRemoved() {
    health.set(snapshot(State.RUNNING, consumer(new PartitionLag("goods", 0, 3)), Map.of()));
    bind();
    health.set(snapshot(State.RUNNING, consumer(new PartitionLag("goods", 1, 4)), Map.of()));
    clock.add(HealthGauges.MAX_AGE_NANOS, TimeUnit.NANOSECONDS);
    publisherState("running"); // a scrape reads the gauges: this one takes the new snapshot

    assertEquals(4.0, lag("goods", "1"));
    assertNull(
        registry.find("domainevents.consumer.lag").tag("partition", "0").gauge(),
        "partition 0 was revoked");
  }

  @Test
  void anUnknownLagIsNotANumberAndAFailingSnapshotKeepsTheLastValues() {
    health.set(snapshot(State.RUNNING, consumer(new PartitionLag("goods", 0, -1)), Map.of()));
    bind();
    assertTrue(Double.isNaN(lag("goods", "0")));

    health.set(null); // the supplier below throws on null
    clock.add(HealthGauges.MAX_AGE_NANOS, TimeUnit.NANOSECONDS);
    assertEquals(1.0, publisherState("running"));
  }

  @Test
  void aStoppedPublisherShowsAsStopped() {
    health.set(
        new InfraHealth("kafka", List.of(), new Publisher(State.STOPPED, "fenced", 0), Map.of()));
    bind();
    assertEquals(1.0, publisherState("stopped"));
    assertEquals(0.0, publisherState("running"));
  }

  private void bind() {
    DomainEventMetrics.of(registry)
        .bindHealth(
            () -> {
              reads.incrementAndGet();
              InfraHealth current = health.get();
              if (current == null) {
                throw new IllegalStateException("consumer closed");
              }
              return current;
            });
  }

  private static InfraHealth snapshot(
      State publisher, Consumer consumer, Map<String, Long> counts) {
    return new InfraHealth("kafka", List.of(consumer), new Publisher(publisher, null, 0), counts);
  }

  private static Consumer consumer(PartitionLag... partitions) {
    return new Consumer("shop-0", "shop", State.RUNNING, null, 0, List.of(partitions));
  }

  private double lag(String topic, String partition) {
    return registry
        .get("domainevents.consumer.lag")
        .tags("system", "kafka", "topic", topic, "partition", partition, "group", "shop")
        .gauge()
        .value();
  }

  private double consumerState(String state) {
    return registry
        .get("domainevents.consumer.state")
        .tags("consumer", "shop-0", "group", "shop", "state", state)
        .gauge()
        .value();
  }

  private double publisherState(String state) {
    return registry
        .get("domainevents.publisher.state")
        .tags("system", "kafka", "state", state)
        .gauge()
        .value();
  }

  private double count(String name) {
    return registry.get(name).tag("system", "kafka").gauge().value();
  }
}
