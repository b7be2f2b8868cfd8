package dev.domainevents.micrometer;

import dev.domainevents.InfraHealth;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gauges read from an {@link InfraHealth} snapshot. Micrometer pulls gauges one by one, so the
 * snapshot is taken once and shared by every gauge read within {@link #MAX_AGE_NANOS}; taking it
 * also registers the meters of consumers and partitions that appeared and removes those that
 * vanished (a rebalance moves partitions away, say).
 */
final class HealthGauges {
  private static final Logger log = LoggerFactory.getLogger(HealthGauges.class);

  /** How long one snapshot serves the gauges: a scrape reads them all from one snapshot. */
  static final long MAX_AGE_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final MeterRegistry registry;
  private final Supplier<InfraHealth> health;
  private final Clock clock;
  private final Map<GaugeKey, Meter> meters = new HashMap<>();
  private volatile Map<GaugeKey, Double> values = Map.of();
  private volatile long readAt;

  HealthGauges(MeterRegistry registry, Supplier<InfraHealth> health) {
    this.registry = registry;
    this.health = health;
    this.clock = registry.config().clock();
  }

  /** Takes the first snapshot and registers its meters. */
  void register() {
    refresh();
  }

  private double value(GaugeKey key) {
    if (clock.monotonicTime() - readAt >= MAX_AGE_NANOS) {
      synchronized (this) {
        if (clock.monotonicTime() - readAt >= MAX_AGE_NANOS) {
          refresh();
        }
      }
    }
    Double value = values.get(key);
    return value == null ? Double.NaN : value;
  }

  private synchronized void refresh() {
    InfraHealth snapshot;
    try {
      snapshot = health.get();
    } catch (RuntimeException e) {
      // The gauges keep their last values; the next read tries again.
      log.warn("could not read the infra's health for the domainevents gauges", e);
      readAt = clock.monotonicTime();
      return;
    }
    Map<GaugeKey, Double> next = read(snapshot);
    values = next;
    readAt = clock.monotonicTime();
    for (GaugeKey key : next.keySet()) {
      if (!meters.containsKey(key)) {
        meters.put(key, meter(key));
      }
    }
    for (Iterator<Map.Entry<GaugeKey, Meter>> it = meters.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<GaugeKey, Meter> entry = it.next();
      if (!next.containsKey(entry.getKey())) {
        registry.remove(entry.getValue());
        it.remove();
      }
    }
  }

  /** Every gauge's value in {@code snapshot}. */
  static Map<GaugeKey, Double> read(InfraHealth snapshot) {
    Map<GaugeKey, Double> values = new LinkedHashMap<>();
    String system = snapshot.system();
    for (InfraHealth.State state : InfraHealth.State.values()) {
      values.put(
          GaugeKey.gauge(
              "domainevents.publisher.state", Tags.of("system", system, "state", tag(state))),
          snapshot.publisher().state() == state ? 1.0 : 0.0);
    }
    for (InfraHealth.Consumer consumer : snapshot.consumers()) {
      String group = consumer.group() == null ? DomainEventMetrics.NONE : consumer.group();
      Tags tags = Tags.of("system", system, "consumer", consumer.name(), "group", group);
      for (InfraHealth.State state : InfraHealth.State.values()) {
        values.put(
            GaugeKey.gauge("domainevents.consumer.state", tags.and("state", tag(state))),
            consumer.state() == state ? 1.0 : 0.0);
      }
      values.put(
          new GaugeKey("domainevents.consumer.restarts", tags, true), (double) consumer.restarts());
      for (InfraHealth.PartitionLag partition : consumer.partitions()) {
        values.put(
            GaugeKey.gauge(
                "domainevents.consumer.lag",
                Tags.of(
                    "system",
                    system,
                    "topic",
                    partition.topic(),
                    "partition",
                    Integer.toString(partition.partition()),
                    "group",
                    group)),
            partition.lag() < 0 ? Double.NaN : (double) partition.lag());
      }
    }
    for (Map.Entry<String, Long> count : snapshot.counts().entrySet()) {
      values.put(
          GaugeKey.gauge("domainevents." + count.getKey(), Tags.of("system", system)),
          (double) count.getValue());
    }
    return values;
  }

  private Meter meter(GaugeKey key) {
    if (key.counter()) {
      return FunctionCounter.builder(key.name(), this, gauges -> gauges.value(key))
          .tags(key.tags())
          .description("Restarts of a consumer after a fatal error")
          .register(registry);
    }
    return Gauge.builder(key.name(), this, gauges -> gauges.value(key))
        .tags(key.tags())
        .description(description(key.name()))
        .strongReference(true)
        .register(registry);
  }

  private static String description(String name) {
    switch (name) {
      case "domainevents.publisher.state":
        return "1 for the publisher's current state, 0 for the others";
      case "domainevents.consumer.state":
        return "1 for the consumer's current state, 0 for the others";
      case "domainevents.consumer.lag":
        return "Records of the partition not yet consumed by the group";
      default:
        return "A count the infra reports in its health snapshot";
    }
  }

  private static String tag(InfraHealth.State state) {
    return state.name().toLowerCase(Locale.ROOT);
  }

  /** One meter: its name, its tags, and whether it counts up (a counter) or goes both ways. */
  record GaugeKey(String name, Tags tags, boolean counter) {
    static GaugeKey gauge(String name, Tags tags) {
      return new GaugeKey(name, tags, false);
    }
  }
}
