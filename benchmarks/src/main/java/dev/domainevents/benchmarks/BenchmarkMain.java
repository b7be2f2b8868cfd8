package dev.domainevents.benchmarks;

import dev.domainevents.kafka.embedded.EmbeddedKafka;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs every benchmark side by side in one JVM and prints a table, then, as its last line, one
 * machine-readable line (after the observability section's own line, when that section ran): {@code
 * publish_ratio=… consume_ratio=… dispatch_vs_direct=… guava_vs_dispatch=… p99_ms=…
 * outbox_write_ratio=… relay_eps=… outbox_p99_ms=… bus_vs_guava=… record_path_ns=…
 * record_path_bytes=… relay_eps_2=… relay_vs_handwritten=… relay_scaling=…
 * relay_scaling_unpipelined=… startup_added_ms=… startup_sdk_ms=… compile_overhead=…
 * http_vs_inprocess=… http_added_p99_ms=… amqp_publish_vs_raw=… amqp_publish_vs_spring=…
 * amqp_consume_vs_raw=… amqp_consume_vs_spring=… store_append_16x1=… store_append_16x10=…
 * store_load=… store_load_snapshot=…}. A figure not measured in the run prints as {@code NaN}; the
 * AMQP ratios print {@code n/a} when no RabbitMQ listens on 127.0.0.1:5672.
 *
 * <p>Before the table, each section prints how long it took, and the run its whole time. Arguments:
 * {@code --quick} (shorter runs of every section: about nine minutes on a 2-core machine, where the
 * full run takes about thirty), {@code --events N} (events per Kafka run; 300,000 by default,
 * 50,000 with {@code --quick}), {@code --rate N} (a third latency run at N events per second
 * besides 1,000 and 5,000), {@code --postgres} (the outbox and event store runs use the PostgreSQL
 * at 127.0.0.1:5432, database {@code test}, instead of an in-memory H2), {@code --only SECTION}
 * ({@code dispatch}, {@code compile} (with startup), {@code kafka}, {@code http}, {@code outbox},
 * {@code amqp}, {@code store} or {@code observability} alone). The HTTP runs deliver 30,000 events
 * per run (10,000 with {@code --quick}) and measure latency at 200 events per second, below what
 * the proxy delivers here. {@code --events N} also sets the events per AMQP run (10,000 with {@code
 * --quick}, 50,000 by default).
 */
public final class BenchmarkMain {
  /** Alternated SDK/peer pairs per Kafka comparison; the ratio is their median. */
  private static final int PAIRS = 6;

  /** The rate of the HTTP latency runs, events per second. */
  private static final int HTTP_LATENCY_RATE = 200;

  private BenchmarkMain() {}

  /** Runs the benchmarks; see the class documentation for the arguments. */
  public static void main(String[] args) throws Exception {
    long runStarted = System.nanoTime();
    boolean quick = false;
    Integer events = null;
    int rate = 0;
    boolean postgres = false;
    String only = null; // dispatch, compile, kafka, http, outbox, amqp or store: that alone
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--quick" -> quick = true;
        case "--events" -> events = Integer.parseInt(args[++i]);
        case "--rate" -> rate = Integer.parseInt(args[++i]);
        case "--postgres" -> postgres = true;
        case "--only" -> only = args[++i];
        default ->
            throw new IllegalArgumentException(
                "unknown argument "
                    + args[i]
                    + "; use --quick, --events N, --rate N, --postgres, --only SECTION");
      }
    }
    int n = events != null ? events : quick ? 50_000 : 300_000;
    int latencySeconds = quick ? 10 : 30;
    List<Integer> rates = new ArrayList<>(List.of(1_000, 5_000));
    if (rate > 0 && !rates.contains(rate)) {
      rates.add(rate);
    }
    // A PostgreSQL transaction costs some 30 times an in-memory H2 one: fewer keep the run short.
    int outboxTransactions = (quick ? 20_000 : 100_000) / (postgres ? 10 : 1);
    int relayEvents = quick ? 20_000 : 100_000;
    int outboxRate = 1_000;
    int outboxLatencyEvents = outboxRate * (quick ? 5 : 20);

    Map<String, Double> dispatch =
        runs(only, "dispatch") ? DispatchRun.run(quick) : new LinkedHashMap<>();
    lap(only, "dispatch");
    double direct = dispatch.getOrDefault("direct", Double.NaN);
    double generated = dispatch.getOrDefault("generated", Double.NaN);
    double reflection = dispatch.getOrDefault("reflection", Double.NaN);
    double guava = dispatch.getOrDefault("guava", Double.NaN);
    double inlined = dispatch.getOrDefault("inlinedDispatcherBody", Double.NaN);
    double recordPath = dispatch.getOrDefault("recordPath", Double.NaN);
    double recordPathBytes = dispatch.getOrDefault("recordPath.bytes", Double.NaN);
    double spring = dispatch.getOrDefault("spring", Double.NaN);

    // The processor's cost: the size in a full run, a quarter of it with --quick.
    int entities = quick ? 50 : 200;
    List<double[]> compilePairs = new ArrayList<>();
    List<double[]> startupRounds = new ArrayList<>(); // {empty, sdk, spring, handlers made} ms
    CompileRuns compile = runs(only, "compile") ? new CompileRuns(entities, 5) : null;
    if (compile != null)
      try {
        // Warm-ups, not reported: javac runs in this JVM, and at 200 entities one compile of each
        // side left the pairs still falling as javac's own code warmed.
        for (int warmUp = 0; warmUp < (quick ? 1 : 3); warmUp++) {
          compile.withProcessor();
          compile.plain();
        }
        for (int pair = 0; pair < (quick ? 2 : 6); pair++) {
          boolean processorFirst = pair % 2 == 0;
          double plain = processorFirst ? 0 : compile.plain() / 1e6;
          double with = compile.withProcessor() / 1e6;
          if (processorFirst) {
            plain = compile.plain() / 1e6;
          }
          compilePairs.add(new double[] {with, plain});
          System.out.printf(
              Locale.ROOT,
              "compile pair %d: with the processor %.0f ms, -proc:none %.0f ms%n",
              pair + 1,
              with,
              plain);
        }
        // Startup, from the classes the processor run compiled.
        StartupRuns startup = new StartupRuns(compile.classes());
        startup.empty(); // warm-ups, not reported: the OS's file cache
        startup.sdk();
        startup.handlersOnly();
        startup.spring();
        for (int round = 0; round < (quick ? 3 : 6); round++) {
          double[] times = new double[4];
          for (int k = 0; k < 4; k++) {
            int side = (round + k) % 4; // rotated, so no side always starts first
            times[side] =
                switch (side) {
                  case 0 -> startup.empty();
                  case 1 -> startup.sdk();
                  case 2 -> startup.spring();
                  default -> startup.handlersOnly();
                };
          }
          startupRounds.add(times);
          System.out.printf(
              Locale.ROOT,
              "startup round %d: empty install %.0f ms, %d event types and %d handler classes %.0f ms"
                  + " (the handlers made, none installed %.0f ms), Spring scan %.0f ms%n",
              round + 1,
              times[0],
              entities * 5,
              entities,
              times[1],
              times[3],
              times[2]);
        }
      } finally {
        compile.delete();
      }
    lap(only, "compile");
    double startupAdded =
        median(startupRounds.stream().mapToDouble(r -> r[1] - r[0]).sorted().toArray());
    // What subscribing the handlers and registering the events adds to the application's own
    // classes: the same program, making the same handler objects, installing none of them.
    double startupSdk =
        median(startupRounds.stream().mapToDouble(r -> r[1] - r[3]).sorted().toArray());
    double compileOverhead =
        median(compilePairs.stream().mapToDouble(p -> p[0] / p[1]).sorted().toArray());

    List<double[]> publishPairs = new ArrayList<>();
    List<double[]> consumePairs = new ArrayList<>();
    Map<Integer, long[]> latencies = new LinkedHashMap<>();
    List<double[]> httpPairs = new ArrayList<>(); // {proxy, in-process} events/s
    List<long[][]> httpLatencies = new ArrayList<>(); // {proxy, in-process} sorted ns
    int httpEvents = quick ? 10_000 : 30_000;
    List<double[]> writePairs = new ArrayList<>();
    // {1 relay, 2 relays, hand-written loop, 1 relay not pipelining, 2 relays not pipelining}
    List<double[]> relayPairs = new ArrayList<>();
    List<double[]> relayCores = new ArrayList<>(); // the same sides: processors busy, on average
    long[] outboxLatencies;
    String database;
    ObservabilityRuns.Figures observability = null;
    Map<String, Double> observabilityBytes = Map.of();
    try (EmbeddedKafka broker =
        EmbeddedKafka.create(
                Map.of("num.partitions", "3", "log.flush.interval.messages", "1000000"))
            .start()) {
      broker.createTopic(KafkaRuns.CHECKOUT_TOPIC, 3);
      broker.createTopic(KafkaRuns.RAW_CHECKOUT_TOPIC, 3);
      KafkaRuns runs = new KafkaRuns(broker.bootstrapServers());
      boolean kafka = runs(only, "kafka");
      // A warm-up of each side, not reported: JIT, metadata and connections. Two full-size runs
      // each: with one of 20,000 events the first pairs still ran partly interpreted (the broker
      // compiles in this JVM too) and measured both sides at half their later rate.
      for (int round = 0; kafka && round < 2; round++) {
        runs.publishSdk(n);
        runs.publishRaw(n);
        runs.consumeSdk(n);
        runs.consumeRaw(n);
      }
      // Runs alternate A B, B A, ..., each side first equally often: the first run of a pair
      // measured slower whichever side it was, and a fixed order would credit that to one side.
      for (int pair = 0; kafka && pair < PAIRS; pair++) {
        boolean sdkFirst = pair % 2 == 0;
        double raw = sdkFirst ? 0 : settled(() -> runs.publishRaw(n));
        double sdk = settled(() -> runs.publishSdk(n));
        if (sdkFirst) {
          raw = settled(() -> runs.publishRaw(n));
        }
        publishPairs.add(new double[] {sdk, raw});
        System.out.printf(
            Locale.ROOT, "publish pair %d: sdk %.0f/s raw %.0f/s%n", pair + 1, sdk, raw);
      }
      for (int pair = 0; kafka && pair < PAIRS; pair++) {
        boolean sdkFirst = pair % 2 == 0;
        double raw = sdkFirst ? 0 : settled(() -> runs.consumeRaw(n));
        double sdk = settled(() -> runs.consumeSdk(n));
        if (sdkFirst) {
          raw = settled(() -> runs.consumeRaw(n));
        }
        consumePairs.add(new double[] {sdk, raw});
        System.out.printf(
            Locale.ROOT, "consume pair %d: sdk %.0f/s raw %.0f/s%n", pair + 1, sdk, raw);
      }
      for (int perSecond : kafka ? rates : List.<Integer>of()) {
        latencies.put(perSecond, runs.latency(perSecond * latencySeconds, perSecond));
      }
      lap(only, "kafka");

      if (runs(only, "http")) {
        HttpRuns http = new HttpRuns(runs, broker.bootstrapServers());
        if (!kafka) {
          http.fill(httpEvents); // the Kafka runs fill the topic otherwise
        }
        // A warm-up of each side, not reported.
        http.throughputProxy(Math.min(httpEvents, 5_000));
        http.throughputInProcess(Math.min(httpEvents, 5_000));
        for (int pair = 0; pair < (quick ? 2 : 4); pair++) {
          boolean proxyFirst = pair % 2 == 0;
          double inProcess = proxyFirst ? 0 : settled(() -> http.throughputInProcess(httpEvents));
          double proxy = settled(() -> http.throughputProxy(httpEvents));
          if (proxyFirst) {
            inProcess = settled(() -> http.throughputInProcess(httpEvents));
          }
          httpPairs.add(new double[] {proxy, inProcess});
          System.out.printf(
              Locale.ROOT,
              "http pair %d: proxy %.0f/s in-process %.0f/s%n",
              pair + 1,
              proxy,
              inProcess);
        }
        int pings = HTTP_LATENCY_RATE * latencySeconds;
        for (int round = 0; round < (quick ? 1 : 2); round++) {
          boolean proxyFirst = round % 2 == 0;
          long[] inProcess = proxyFirst ? null : http.latency(pings, HTTP_LATENCY_RATE, false);
          long[] proxy = http.latency(pings, HTTP_LATENCY_RATE, true);
          if (proxyFirst) {
            inProcess = http.latency(pings, HTTP_LATENCY_RATE, false);
          }
          httpLatencies.add(new long[][] {proxy, inProcess});
          System.out.printf(
              Locale.ROOT,
              "http latency round %d: p99 proxy %.2f ms in-process %.2f ms%n",
              round + 1,
              millis(proxy, 0.99),
              millis(inProcess, 0.99));
        }
      }
      lap(only, "http");

      if (runs(only, "observability")) {
        observabilityBytes = DispatchRun.run(InterceptedDispatchBenchmark.class, quick);
        observability = new ObservabilityRuns(runs).run(n, quick ? 3 : PAIRS);
      }
      lap(only, "observability");

      if (!runs(only, "outbox")) {
        database = "none";
        outboxLatencies = new long[] {0};
      } else
        try (OutboxRuns outbox =
            postgres
                ? OutboxRuns.postgres(broker.bootstrapServers())
                : OutboxRuns.h2(broker.bootstrapServers())) {
          database = outbox.databaseName();
          outbox.writePair(outboxTransactions); // warm-up, not reported
          for (int pair = 0; pair < 3; pair++) {
            double[] write = outbox.writePair(outboxTransactions);
            writePairs.add(write);
            System.out.printf(
                Locale.ROOT,
                "outbox write pair %d: without %.1f us/tx, with %.1f us/tx%n",
                pair + 1,
                write[0],
                write[1]);
          }
          // Warm-ups, not reported.
          outbox.relayThroughput(Math.min(relayEvents, 5_000), 1, true);
          outbox.relayThroughput(Math.min(relayEvents, 5_000), 2, true);
          outbox.relayThroughput(Math.min(relayEvents, 5_000), 1, false);
          outbox.relayThroughput(Math.min(relayEvents, 5_000), 2, false);
          outbox.handwrittenRelayThroughput(Math.min(relayEvents, 5_000));
          for (int round = 0; round < 3; round++) {
            // Rotated, so no side always runs first.
            double[] eps = new double[5];
            double[] cores = new double[5];
            for (int k = 0; k < 5; k++) {
              int side = (round + k) % 5;
              eps[side] =
                  settled(
                      () ->
                          switch (side) {
                            case 0 -> outbox.relayThroughput(relayEvents, 1, true);
                            case 1 -> outbox.relayThroughput(relayEvents, 2, true);
                            case 2 -> outbox.handwrittenRelayThroughput(relayEvents);
                            case 3 -> outbox.relayThroughput(relayEvents, 1, false);
                            default -> outbox.relayThroughput(relayEvents, 2, false);
                          });
              cores[side] = outbox.lastCoresBusy();
            }
            relayPairs.add(eps);
            relayCores.add(cores);
            System.out.printf(
                Locale.ROOT,
                "outbox relay round %d: 1 relay %.0f/s, 2 relays %.0f/s, hand-written %.0f/s,"
                    + " not pipelining: 1 relay %.0f/s, 2 relays %.0f/s%n",
                round + 1,
                eps[0],
                eps[1],
                eps[2],
                eps[3],
                eps[4]);
          }
          outboxLatencies = outbox.commitToHandlerLatency(outboxLatencyEvents, outboxRate);
        }
      lap(only, "outbox");
    }

    double[] publishRatios = publishPairs.stream().mapToDouble(p -> p[0] / p[1]).sorted().toArray();
    double publishRatio = median(publishRatios);

    int amqpEvents = events != null ? events : quick ? 10_000 : 50_000;
    AmqpFigures amqp = runs(only, "amqp") ? AmqpFigures.run(amqpEvents) : AmqpFigures.skipped();
    lap(only, "amqp");
    StoreRuns.Figures store =
        runs(only, "store") ? StoreRuns.figures(postgres, quick) : StoreRuns.Figures.skipped();
    lap(only, "store");
    double consumeRatio =
        median(consumePairs.stream().mapToDouble(p -> p[0] / p[1]).sorted().toArray());
    double p99 = latencies.isEmpty() ? Double.NaN : millis(latencies.get(1_000), 0.99);
    double relayEps = median(relayPairs.stream().mapToDouble(r -> r[0]).sorted().toArray());
    double relayEps2 = median(relayPairs.stream().mapToDouble(r -> r[1]).sorted().toArray());
    double relayVsHandwritten =
        median(relayPairs.stream().mapToDouble(r -> r[0] / r[2]).sorted().toArray());
    double relayScaling =
        median(relayPairs.stream().mapToDouble(r -> r[1] / r[0]).sorted().toArray());
    double relayScalingUnpipelined =
        median(relayPairs.stream().mapToDouble(r -> r[4] / r[3]).sorted().toArray());
    double writeRatio =
        median(writePairs.stream().mapToDouble(p -> p[1] / p[0]).sorted().toArray());
    double outboxP50 = millis(outboxLatencies, 0.50);
    double outboxP99 = millis(outboxLatencies, 0.99);
    double outboxMax = outboxLatencies[outboxLatencies.length - 1] / 1e6;

    StringBuilder table = new StringBuilder();
    table.append("| measurement | SDK | peer | ratio |\n|---|---|---|---|\n");
    table.append(
        String.format(
            Locale.ROOT,
            "| per-record path, ns/op | DispatchTable + context + scope %.2f (%.0f B/op) | Guava"
                + " EventBus.post %.2f (%.0f B/op) | guava/sdk %.2f |%n",
            recordPath,
            recordPathBytes,
            guava,
            dispatch.getOrDefault("guava.bytes", Double.NaN),
            guava / recordPath));
    table.append(
        String.format(
            Locale.ROOT,
            "| per-record path, ns/op | DispatchTable + context + scope %.2f | Spring multicaster"
                + " %.2f (%.0f B/op) | spring/sdk %.2f |%n",
            recordPath,
            spring,
            dispatch.getOrDefault("spring.bytes", Double.NaN),
            spring / recordPath));
    table.append(
        String.format(
            Locale.ROOT,
            "| per-record path over generated, ns | %.2f | | |%n",
            recordPath - generated));
    table.append(
        String.format(
            Locale.ROOT,
            "| dispatch, ns/op | generated %.2f | direct call %.2f | generated/direct %.2f |%n",
            generated,
            direct,
            generated / direct));
    table.append(
        String.format(
            Locale.ROOT,
            "| dispatch, ns/op | generated body inlined (control) %.2f | direct call %.2f | %.2f |%n",
            inlined,
            direct,
            inlined / direct));
    table.append(
        String.format(
            Locale.ROOT,
            "| dispatch, ns/op | generated %.2f | Method.invoke %.2f | reflection/generated %.1f |%n",
            generated,
            reflection,
            reflection / generated));
    for (int i = 0; i < compilePairs.size(); i++) {
      double[] pair = compilePairs.get(i);
      table.append(
          String.format(
              Locale.ROOT,
              "| compile %d, %d entities x 5 events, %d handlers, ms | javac with the processor %.0f"
                  + " | -proc:none on the same plus the generated sources %.0f | %.2f |%n",
              i + 1,
              entities,
              entities * 5,
              pair[0],
              pair[1],
              pair[0] / pair[1]));
    }
    for (int i = 0; i < startupRounds.size(); i++) {
      double[] round = startupRounds.get(i);
      table.append(
          String.format(
              Locale.ROOT,
              "| startup %d, JVM start to install returned, ms | %d event types, %d handler classes"
                  + " %.0f | empty install %.0f; the handlers made, none installed %.0f; Spring scan"
                  + " of the same classes %.0f | +%.0f ms over the empty install, +%.0f ms over"
                  + " the handlers made |%n",
              i + 1,
              entities * 5,
              entities,
              round[1],
              round[0],
              round[3],
              round[2],
              round[1] - round[0],
              round[1] - round[3]));
    }
    for (int i = 0; i < publishPairs.size(); i++) {
      double[] pair = publishPairs.get(i);
      table.append(
          String.format(
              Locale.ROOT,
              "| publish %d, records/s | %.0f | raw KafkaProducer %.0f | %.3f |%n",
              i + 1,
              pair[0],
              pair[1],
              pair[0] / pair[1]));
    }
    for (int i = 0; i < consumePairs.size(); i++) {
      double[] pair = consumePairs.get(i);
      table.append(
          String.format(
              Locale.ROOT,
              "| consume %d, records/s | %.0f | raw poll loop %.0f | %.3f |%n",
              i + 1,
              pair[0],
              pair[1],
              pair[0] / pair[1]));
    }
    latencies.forEach(
        (perSecond, sorted) ->
            table.append(
                String.format(
                    Locale.ROOT,
                    "| publish to handler at %d/s (default linger.ms), ms | p50 %.2f, p99 %.2f,"
                        + " p99.9 %.2f, max %.2f | | |%n",
                    perSecond,
                    millis(sorted, 0.50),
                    millis(sorted, 0.99),
                    millis(sorted, 0.999),
                    sorted[sorted.length - 1] / 1e6)));
    for (int i = 0; i < httpPairs.size(); i++) {
      double[] pair = httpPairs.get(i);
      table.append(
          String.format(
              Locale.ROOT,
              "| HTTP delivery %d, records/s, %d consumers | proxy → receiver %.0f | in-process"
                  + " KafkaInfra %.0f | %.3f |%n",
              i + 1,
              HttpRuns.CONCURRENCY,
              pair[0],
              pair[1],
              pair[0] / pair[1]));
    }
    for (int i = 0; i < httpLatencies.size(); i++) {
      long[] proxy = httpLatencies.get(i)[0];
      long[] inProcess = httpLatencies.get(i)[1];
      table.append(
          String.format(
              Locale.ROOT,
              "| publish to handler at %d/s, round %d, ms | proxy → receiver p50 %.2f, p99 %.2f,"
                  + " max %.2f | in-process p50 %.2f, p99 %.2f, max %.2f | p99 +%.2f ms |%n",
              HTTP_LATENCY_RATE,
              i + 1,
              millis(proxy, 0.50),
              millis(proxy, 0.99),
              proxy[proxy.length - 1] / 1e6,
              millis(inProcess, 0.50),
              millis(inProcess, 0.99),
              inProcess[inProcess.length - 1] / 1e6,
              millis(proxy, 0.99) - millis(inProcess, 0.99)));
    }
    for (int i = 0; i < writePairs.size(); i++) {
      double[] pair = writePairs.get(i);
      table.append(
          String.format(
              Locale.ROOT,
              "| outbox write %d (%s), us/tx | with outbox insert %.1f | without %.1f"
                  + " | with/without %.2f |%n",
              i + 1,
              database,
              pair[1],
              pair[0],
              pair[1] / pair[0]));
    }
    for (int i = 0; i < relayPairs.size(); i++) {
      double[] round = relayPairs.get(i);
      double[] cores = relayCores.get(i);
      table.append(
          String.format(
              Locale.ROOT,
              "| outbox relay %d (%s), events/s (processors busy) | 1 relay %.0f (%.2f), 2 relays"
                  + " %.0f (%.2f); not pipelining: 1 relay %.0f (%.2f), 2 relays %.0f (%.2f) |"
                  + " hand-written loop %.0f (%.2f) | 1 relay/loop %.2f, 2/1 %.2f; not"
                  + " pipelining 2/1 %.2f |%n",
              i + 1,
              database,
              round[0],
              cores[0],
              round[1],
              cores[1],
              round[3],
              cores[3],
              round[4],
              cores[4],
              round[2],
              cores[2],
              round[0] / round[2],
              round[1] / round[0],
              round[4] / round[3]));
    }
    table.append(
        String.format(
            Locale.ROOT,
            "| outbox commit to handler at %d/s (%s), ms | p50 %.2f, p99 %.2f, max %.2f | | |%n",
            outboxRate,
            database,
            outboxP50,
            outboxP99,
            outboxMax));
    amqp.appendTo(table);
    store.appendTo(table);
    if (observability != null) {
      observability.appendTo(table);
      observabilityBytes.forEach(
          (name, value) ->
              table.append(
                  String.format(
                      Locale.ROOT,
                      "| intercepted per-record path, %s | %.2f | | |%n",
                      name.endsWith(".bytes") ? name + ", B/op" : name + ", ns/op",
                      value)));
    }
    System.out.println();
    System.out.printf(Locale.ROOT, "whole run: %.0f s%n", (System.nanoTime() - runStarted) / 1e9);
    System.out.println("events per Kafka run: " + n + (quick ? " (quick)" : ""));
    System.out.println(
        amqp.measured()
            ? "events per AMQP run: " + amqpEvents + ", quorum queue on " + AmqpRuns.URI
            : "AMQP runs: n/a, " + amqp.notMeasured());
    System.out.print(table);
    // The observability section's own line goes before the main one, so that the run's last line
    // is always the main line, which scripts read.
    if (observability != null) {
      Map<String, Double> bytes = new LinkedHashMap<>();
      observabilityBytes.forEach(
          (name, value) -> {
            if (name.endsWith(".bytes")) {
              bytes.put("record_path_" + name.replace(".bytes", "_bytes"), value);
            }
          });
      System.out.println(observability.summary(bytes));
    }
    System.out.printf(
        Locale.ROOT,
        "publish_ratio=%.3f consume_ratio=%.3f dispatch_vs_direct=%.2f guava_vs_dispatch=%.1f"
            + " p99_ms=%.2f outbox_write_ratio=%.2f relay_eps=%.0f outbox_p99_ms=%.2f"
            + " bus_vs_guava=%.2f record_path_ns=%.2f record_path_bytes=%.0f relay_eps_2=%.0f"
            + " relay_vs_handwritten=%.2f relay_scaling=%.2f relay_scaling_unpipelined=%.2f"
            + " startup_added_ms=%.0f"
            + " startup_sdk_ms=%.0f compile_overhead=%.2f http_vs_inprocess=%.3f http_added_p99_ms=%.2f %s %s%n",
        publishRatio,
        consumeRatio,
        generated / direct,
        guava / generated,
        p99,
        writeRatio,
        relayEps,
        outboxP99,
        guava / recordPath,
        recordPath,
        recordPathBytes,
        relayEps2,
        relayVsHandwritten,
        relayScaling,
        relayScalingUnpipelined,
        startupAdded,
        startupSdk,
        compileOverhead,
        median(httpPairs.stream().mapToDouble(p -> p[0] / p[1]).sorted().toArray()),
        median(
            httpLatencies.stream()
                .mapToDouble(r -> millis(r[0], 0.99) - millis(r[1], 0.99))
                .sorted()
                .toArray()),
        amqp.ratios(),
        store.ratios());
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

  private static boolean runs(String only, String section) {
    return only == null || only.equals(section);
  }

  private static long lapStarted = System.nanoTime();

  /**
   * Prints how long {@code section} took, if it ran, and starts timing the next one: what the
   * sections' durations in {@code docs/PERFORMANCE.md} come from. The Kafka broker's start counts
   * towards the {@code kafka} section.
   */
  private static void lap(String only, String section) {
    long now = System.nanoTime();
    if (runs(only, section)) {
      System.out.printf(Locale.ROOT, "section %s: %.0f s%n", section, (now - lapStarted) / 1e9);
    }
    lapStarted = now;
  }

  static double median(double[] sorted) {
    if (sorted.length == 0) {
      return Double.NaN; // the section did not run
    }
    int middle = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  }

  private static double millis(long[] sorted, double quantile) {
    int index = (int) Math.ceil(quantile * sorted.length) - 1;
    return sorted[Math.max(0, index)] / 1e6;
  }
}
