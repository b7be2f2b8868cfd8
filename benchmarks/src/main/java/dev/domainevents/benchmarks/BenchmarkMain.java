package dev.domainevents.benchmarks;

import dev.domainevents.kafka.embedded.EmbeddedKafka;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs every benchmark side by side in one JVM and prints a table, then one machine-readable line:
 * {@code publish_ratio=… consume_ratio=… dispatch_vs_direct=… guava_vs_dispatch=… p99_ms=…
 * outbox_write_ratio=… relay_eps=… outbox_p99_ms=… amqp_publish_vs_raw=… amqp_publish_vs_spring=…
 * amqp_consume_vs_raw=… amqp_consume_vs_spring=…} (the AMQP ratios are {@code n/a} when no
 * RabbitMQ listens on 127.0.0.1:5672).
 *
 * <p>Arguments: {@code --quick} (a run of three minutes or less), {@code --events N} (events per
 * Kafka run; 300,000 by default, 50,000 with {@code --quick}), {@code --rate N} (latency run's
 * events per second, 2,000 by default), {@code --postgres} (the outbox runs use the PostgreSQL at
 * 127.0.0.1:5432, database {@code test}, instead of an in-memory H2); {@code --events N} also
 * sets the events per AMQP run (10,000 with {@code --quick}, 50,000 by default).
 */
public final class BenchmarkMain {
  private BenchmarkMain() {}

  /** Runs the benchmarks; see the class documentation for the arguments. */
  public static void main(String[] args) throws Exception {
    boolean quick = false;
    Integer events = null;
    int rate = 2_000;
    boolean postgres = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--quick" -> quick = true;
        case "--events" -> events = Integer.parseInt(args[++i]);
        case "--rate" -> rate = Integer.parseInt(args[++i]);
        case "--postgres" -> postgres = true;
        default -> throw new IllegalArgumentException(
            "unknown argument " + args[i] + "; use --quick, --events N, --rate N, --postgres");
      }
    }
    int n = events != null ? events : quick ? 50_000 : 300_000;
    int latencyEvents = rate * (quick ? 10 : 30);
    // A PostgreSQL transaction costs some 30 times an in-memory H2 one: fewer keep the run short.
    int outboxTransactions = (quick ? 20_000 : 100_000) / (postgres ? 10 : 1);
    int relayEvents = quick ? 20_000 : 100_000;
    int outboxRate = 1_000;
    int outboxLatencyEvents = outboxRate * (quick ? 5 : 20);

    Map<String, Double> dispatch = DispatchRun.run(quick);
    double direct = dispatch.get("direct");
    double generated = dispatch.get("generated");
    double reflection = dispatch.get("reflection");
    double guava = dispatch.get("guava");
    double inlined = dispatch.get("inlinedDispatcherBody");

    List<double[]> publishPairs = new ArrayList<>();
    List<double[]> consumePairs = new ArrayList<>();
    long[] latencies;
    List<double[]> writePairs = new ArrayList<>();
    double relayEps;
    long[] outboxLatencies;
    String database;
    try (EmbeddedKafka broker =
        EmbeddedKafka.create(Map.of("num.partitions", "3", "log.flush.interval.messages", "1000000"))
            .start()) {
      broker.createTopic(KafkaRuns.CHECKOUT_TOPIC, 3);
      broker.createTopic(KafkaRuns.PING_TOPIC, 3);
      KafkaRuns runs = new KafkaRuns(broker.bootstrapServers());
      // A warm-up of each side, not reported: JIT, metadata and connections.
      runs.publishSdk(Math.min(n, 20_000));
      runs.publishRaw(Math.min(n, 20_000));
      runs.consumeSdk(Math.min(n, 20_000));
      runs.consumeRaw(Math.min(n, 20_000));
      // Runs alternate A B, B A, ..., each side first equally often: the first run of a pair
      // measured slower whichever side it was, and a fixed order would credit that to one side.
      for (int pair = 0; pair < 4; pair++) {
        boolean sdkFirst = pair % 2 == 0;
        double raw = sdkFirst ? 0 : settled(() -> runs.publishRaw(n));
        double sdk = settled(() -> runs.publishSdk(n));
        if (sdkFirst) {
          raw = settled(() -> runs.publishRaw(n));
        }
        publishPairs.add(new double[] {sdk, raw});
        System.out.printf(Locale.ROOT, "publish pair %d: sdk %.0f/s raw %.0f/s%n", pair + 1, sdk, raw);
      }
      for (int pair = 0; pair < 2; pair++) {
        boolean sdkFirst = pair % 2 == 0;
        double raw = sdkFirst ? 0 : settled(() -> runs.consumeRaw(n));
        double sdk = settled(() -> runs.consumeSdk(n));
        if (sdkFirst) {
          raw = settled(() -> runs.consumeRaw(n));
        }
        consumePairs.add(new double[] {sdk, raw});
        System.out.printf(Locale.ROOT, "consume pair %d: sdk %.0f/s raw %.0f/s%n", pair + 1, sdk, raw);
      }
      latencies = runs.latency(latencyEvents, rate);

      try (OutboxRuns outbox =
          postgres
              ? OutboxRuns.postgres(broker.bootstrapServers())
              : OutboxRuns.h2(broker.bootstrapServers())) {
        database = outbox.databaseName();
        outbox.writePair(outboxTransactions); // warm-up, not reported
        for (int pair = 0; pair < 3; pair++) {
          double[] write = outbox.writePair(outboxTransactions);
          writePairs.add(write);
          System.out.printf(Locale.ROOT,
              "outbox write pair %d: without %.1f us/tx, with %.1f us/tx%n",
              pair + 1, write[0], write[1]);
        }
        outbox.relayThroughput(Math.min(relayEvents, 5_000)); // warm-up, not reported
        relayEps = outbox.relayThroughput(relayEvents);
        System.out.printf(Locale.ROOT, "outbox relay: %.0f events/s%n", relayEps);
        outboxLatencies = outbox.commitToHandlerLatency(outboxLatencyEvents, outboxRate);
      }
    }

    double[] publishRatios = publishPairs.stream().mapToDouble(p -> p[0] / p[1]).sorted().toArray();
    double publishRatio = median(publishRatios);

    int amqpEvents = events != null ? events : quick ? 10_000 : 50_000;
    AmqpFigures amqp = AmqpFigures.run(amqpEvents);
    double consumeRatio =
        median(consumePairs.stream().mapToDouble(p -> p[0] / p[1]).sorted().toArray());
    double p50 = millis(latencies, 0.50);
    double p99 = millis(latencies, 0.99);
    double max = latencies[latencies.length - 1] / 1e6;
    double writeRatio =
        median(writePairs.stream().mapToDouble(p -> p[1] / p[0]).sorted().toArray());
    double outboxP50 = millis(outboxLatencies, 0.50);
    double outboxP99 = millis(outboxLatencies, 0.99);
    double outboxMax = outboxLatencies[outboxLatencies.length - 1] / 1e6;

    StringBuilder table = new StringBuilder();
    table.append("| measurement | SDK | peer | ratio |\n|---|---|---|---|\n");
    table.append(String.format(Locale.ROOT,
        "| dispatch, ns/op | generated %.2f | direct call %.2f | generated/direct %.2f |%n",
        generated, direct, generated / direct));
    table.append(String.format(Locale.ROOT,
        "| dispatch, ns/op | generated body inlined (control) %.2f | direct call %.2f | %.2f |%n",
        inlined, direct, inlined / direct));
    table.append(String.format(Locale.ROOT,
        "| dispatch, ns/op | generated %.2f | Guava EventBus %.2f | guava/generated %.1f |%n",
        generated, guava, guava / generated));
    table.append(String.format(Locale.ROOT,
        "| dispatch, ns/op | generated %.2f | Method.invoke %.2f | reflection/generated %.1f |%n",
        generated, reflection, reflection / generated));
    for (int i = 0; i < publishPairs.size(); i++) {
      double[] pair = publishPairs.get(i);
      table.append(String.format(Locale.ROOT,
          "| publish %d, records/s | %.0f | raw KafkaProducer %.0f | %.3f |%n",
          i + 1, pair[0], pair[1], pair[0] / pair[1]));
    }
    for (int i = 0; i < consumePairs.size(); i++) {
      double[] pair = consumePairs.get(i);
      table.append(String.format(Locale.ROOT,
          "| consume %d, records/s | %.0f | raw poll loop %.0f | %.3f |%n",
          i + 1, pair[0], pair[1], pair[0] / pair[1]));
    }
    table.append(String.format(Locale.ROOT,
        "| latency at %d/s, ms | p50 %.2f, p99 %.2f, max %.2f | | |%n", rate, p50, p99, max));
    for (int i = 0; i < writePairs.size(); i++) {
      double[] pair = writePairs.get(i);
      table.append(String.format(Locale.ROOT,
          "| outbox write %d (%s), us/tx | with outbox insert %.1f | without %.1f"
              + " | with/without %.2f |%n",
          i + 1, database, pair[1], pair[0], pair[1] / pair[0]));
    }
    table.append(String.format(Locale.ROOT,
        "| outbox relay to Kafka (%s), events/s | %.0f | | |%n", database, relayEps));
    table.append(String.format(Locale.ROOT,
        "| outbox commit to handler at %d/s (%s), ms | p50 %.2f, p99 %.2f, max %.2f | | |%n",
        outboxRate, database, outboxP50, outboxP99, outboxMax));
    amqp.appendTo(table);
    System.out.println();
    System.out.println("events per Kafka run: " + n + (quick ? " (quick)" : ""));
    System.out.println(
        amqp.measured()
            ? "events per AMQP run: " + amqpEvents + ", quorum queue on " + AmqpRuns.URI
            : "AMQP runs: n/a, RabbitMQ is not reachable on 127.0.0.1:5672");
    System.out.print(table);
    System.out.printf(Locale.ROOT,
        "publish_ratio=%.3f consume_ratio=%.3f dispatch_vs_direct=%.2f guava_vs_dispatch=%.1f"
            + " p99_ms=%.2f outbox_write_ratio=%.2f relay_eps=%.0f outbox_p99_ms=%.2f %s%n",
        publishRatio, consumeRatio, generated / direct, guava / generated, p99,
        writeRatio, relayEps, outboxP99, amqp.ratios());
  }

  /** One measured run. */
  interface Run {
    double measure() throws Exception;
  }

  /** Runs {@code run} from a collected heap and a quiet moment, so runs start alike. */
  static double settled(Run run) throws Exception {
    System.gc();
    Thread.sleep(1_000);
    return run.measure();
  }

  static double median(double[] sorted) {
    int middle = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  }

  private static double millis(long[] sorted, double quantile) {
    int index = (int) Math.ceil(quantile * sorted.length) - 1;
    return sorted[Math.max(0, index)] / 1e6;
  }
}
