package dev.domainevents.benchmarks;

import dev.domainevents.DomainEvents;
import dev.domainevents.EventInterceptors;
import dev.domainevents.micrometer.DomainEventMetrics;
import dev.domainevents.opentelemetry.DomainEventTracing;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * What observability costs: the SDK's Kafka publish and consume runs with interceptors off ({@code
 * EventInterceptors.none()}) next to metrics on ({@link DomainEventMetrics} on a Prometheus
 * registry, scraped every second as a busy Prometheus would) and metrics plus tracing ({@code
 * DomainEventTracing} on the OpenTelemetry SDK, every span sampled and dropped by its exporter), in
 * rounds that rotate which variant runs first. The figure is the median of the per-round ratios
 * on/off, with their range.
 */
final class ObservabilityRuns {
  private final KafkaRuns runs;
  private final List<Variant> variants = new ArrayList<>();

  ObservabilityRuns(KafkaRuns runs) {
    this.runs = runs;
    variants.add(new Variant("none()", () -> new Observed(EventInterceptors.none(), null)));
    variants.add(
        new Variant(
            "metrics",
            () -> {
              PrometheusMeterRegistry registry =
                  new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
              DomainEventMetrics metrics = DomainEventMetrics.of(registry);
              return new Observed(
                  EventInterceptors.builder().logContext(false).add(metrics).build(),
                  metrics,
                  registry);
            }));
    variants.add(
        new Variant(
            "metrics+tracing",
            () -> {
              PrometheusMeterRegistry registry =
                  new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
              DomainEventMetrics metrics = DomainEventMetrics.of(registry);
              // Every span is sampled, ended and handed to a batch processor whose exporter drops
              // it: the tracing work an application does, without a collector's network time.
              SdkTracerProvider tracer =
                  SdkTracerProvider.builder()
                      .addSpanProcessor(BatchSpanProcessor.builder(new DroppingExporter()).build())
                      .build();
              OpenTelemetrySdk otel = OpenTelemetrySdk.builder().setTracerProvider(tracer).build();
              return new Observed(
                  EventInterceptors.builder()
                      .logContext(false)
                      .add(metrics)
                      .add(DomainEventTracing.create(otel))
                      .build(),
                  metrics,
                  registry,
                  otel);
            }));
  }

  /** Exports nothing: spans are made and batched, then dropped. */
  private static final class DroppingExporter implements SpanExporter {
    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode flush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }
  }

  /** Runs {@code rounds} rounds of every variant, publishing and consuming {@code events} each. */
  Figures run(int events, int rounds) throws Exception {
    int warmUp = Math.min(events, 20_000);
    for (Variant variant : variants) { // JIT, metadata and connections; not reported
      publish(variant, warmUp);
      consume(variant, warmUp);
    }
    List<double[]> publish = new ArrayList<>();
    List<double[]> consume = new ArrayList<>();
    for (int round = 0; round < rounds; round++) {
      publish.add(round(round, events, true));
    }
    for (int round = 0; round < rounds; round++) {
      consume.add(round(round, events, false));
    }
    return new Figures(labels(), publish, consume);
  }

  private double[] round(int round, int events, boolean publishing) throws Exception {
    double[] rates = new double[variants.size()];
    for (int k = 0; k < variants.size(); k++) {
      int side = (round + k) % variants.size(); // rotated, so no variant always runs first
      Variant variant = variants.get(side);
      rates[side] =
          BenchmarkMain.settled(
              () -> publishing ? publish(variant, events) : consume(variant, events));
    }
    StringBuilder line =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "observability %s round %d:",
                publishing ? "publish" : "consume",
                round + 1));
    for (int i = 0; i < rates.length; i++) {
      line.append(String.format(Locale.ROOT, " %s %.0f/s", variants.get(i).label(), rates[i]));
    }
    System.out.println(line);
    return rates;
  }

  private double publish(Variant variant, int events) throws Exception {
    try (Observed observed = variant.make().get()) {
      return runs.publishSdk(events, observed.interceptors());
    }
  }

  private double consume(Variant variant, int events) throws Exception {
    try (Observed observed = variant.make().get()) {
      return runs.consumeSdk(events, observed.interceptors(), observed::bind);
    }
  }

  private List<String> labels() {
    return variants.stream().map(Variant::label).toList();
  }

  /** A way to install: its label, and how to make its interceptors afresh for each run. */
  private record Variant(String label, Supplier<Observed> make) {}

  /** One run's interceptors, with the metrics to bind and the scraper to stop afterwards. */
  private static final class Observed implements AutoCloseable {
    /** What the scrapes answered, in characters: kept, so no scrape is optimized away. */
    private static final AtomicLong scraped = new AtomicLong();

    private final EventInterceptors interceptors;
    private final DomainEventMetrics metrics;
    private final ScheduledExecutorService scraper;
    private final OpenTelemetrySdk otel;

    Observed(EventInterceptors interceptors, DomainEventMetrics metrics) {
      this.interceptors = interceptors;
      this.metrics = metrics;
      this.scraper = null;
      this.otel = null;
    }

    Observed(
        EventInterceptors interceptors,
        DomainEventMetrics metrics,
        PrometheusMeterRegistry registry) {
      this(interceptors, metrics, registry, null);
    }

    Observed(
        EventInterceptors interceptors,
        DomainEventMetrics metrics,
        PrometheusMeterRegistry registry,
        OpenTelemetrySdk otel) {
      this.otel = otel;
      this.interceptors = interceptors;
      this.metrics = metrics;
      this.scraper =
          Executors.newSingleThreadScheduledExecutor(
              task -> {
                Thread thread = new Thread(task, "prometheus-scrape");
                thread.setDaemon(true);
                return thread;
              });
      var unused =
          scraper.scheduleAtFixedRate(
              () -> scraped.addAndGet(registry.scrape().length()), 1, 1, TimeUnit.SECONDS);
    }

    EventInterceptors interceptors() {
      return interceptors;
    }

    void bind(DomainEvents.Installation installation) {
      if (metrics != null) {
        metrics.bindTo(installation);
      }
    }

    @Override
    public void close() {
      if (scraper != null) {
        scraper.shutdownNow();
      }
      if (otel != null) {
        otel.close();
      }
    }
  }

  /** The rates of every round, one column per variant, the first variant the baseline. */
  record Figures(List<String> labels, List<double[]> publish, List<double[]> consume) {
    /** The median ratio of {@code variant} to the baseline over the rounds, and its range. */
    double[] ratio(List<double[]> rounds, int variant) {
      double[] ratios = rounds.stream().mapToDouble(r -> r[variant] / r[0]).sorted().toArray();
      if (ratios.length == 0) {
        return new double[] {Double.NaN, Double.NaN, Double.NaN};
      }
      return new double[] {BenchmarkMain.median(ratios), ratios[0], ratios[ratios.length - 1]};
    }

    void appendTo(StringBuilder table) {
      append(table, "publish", publish);
      append(table, "consume", consume);
    }

    private void append(StringBuilder table, String what, List<double[]> rounds) {
      for (int i = 0; i < rounds.size(); i++) {
        double[] rates = rounds.get(i);
        for (int v = 1; v < rates.length; v++) {
          table.append(
              String.format(
                  Locale.ROOT,
                  "| observability %s %d, records/s | %s %.0f | none() %.0f | %.3f |%n",
                  what,
                  i + 1,
                  labels.get(v),
                  rates[v],
                  rates[0],
                  rates[v] / rates[0]));
        }
      }
    }

    /** {@code <variant>_publish_ratio=… <variant>_consume_ratio=…}, medians. */
    String summary(Map<String, Double> bytes) {
      StringBuilder line = new StringBuilder();
      for (int v = 1; v < labels.size(); v++) {
        String key = labels.get(v).replace('+', '_');
        double[] p = ratio(publish, v);
        double[] c = ratio(consume, v);
        line.append(
            String.format(
                Locale.ROOT,
                "%s_publish_ratio=%.3f (%.3f..%.3f) %s_consume_ratio=%.3f (%.3f..%.3f) ",
                key,
                p[0],
                p[1],
                p[2],
                key,
                c[0],
                c[1],
                c[2]));
      }
      bytes.forEach(
          (name, value) -> line.append(String.format(Locale.ROOT, "%s=%.1f ", name, value)));
      return line.toString().trim();
    }
  }
}
