package dev.domainevents.benchmarks;

import dev.domainevents.Delivery;
import dev.domainevents.EventContext;
import dev.domainevents.EventEnvelope;
import dev.domainevents.EventInterceptor.Outcome;
import dev.domainevents.EventInterceptors;
import dev.domainevents.micrometer.DomainEventMetrics;
import dev.domainevents.spi.DispatchTable;
import dev.domainevents.spi.Envelopes;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The per-record dispatch path with interceptors: {@link #before} is the path as it was before
 * interceptors existed ({@code DispatchTable.of(dispatchers)}, as {@link DispatchBenchmark}'s
 * {@code recordPath}); {@link #none} the table an infra builds with {@code
 * EventInterceptors.none()}; {@link #metrics} one with {@link DomainEventMetrics} and its outcome,
 * from a fresh {@link Delivery}, as a consumer runs them. Run with the GC profiler: {@code none}
 * must allocate no more bytes per record than {@code before}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class InterceptedDispatchBenchmark {
  private CheckoutHandler handler;
  private DispatchTable before;
  private DispatchTable none;
  private DispatchTable metrics;
  private EventInterceptors metricsChain;
  private EventEnvelope envelope;
  private long offset;

  @Setup
  public void setUp() {
    handler = new CheckoutHandler();
    CheckoutHandler_EventDispatcher generated = new CheckoutHandler_EventDispatcher(handler);
    before = DispatchTable.of(List.of(generated));
    none = DispatchTable.of(List.of(generated), EventInterceptors.none(), "kafka");
    metricsChain =
        EventInterceptors.builder()
            .logContext(false)
            .add(DomainEventMetrics.of(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)))
            .build();
    metrics = DispatchTable.of(List.of(generated), metricsChain, "kafka");
    envelope = Envelopes.event("Basket:Checkout", "7", Purchase.sample(7), Map.of());
  }

  /** The per-record path before interceptors: a fresh context, the table, the scope. */
  @Benchmark
  public long before() throws Exception {
    before.dispatch(EventContext.of(envelope));
    return handler.total;
  }

  /** A table built with {@code EventInterceptors.none()}, from the same fresh context. */
  @Benchmark
  public long none() throws Exception {
    none.dispatch(EventContext.of(envelope));
    return handler.total;
  }

  /** With the metrics interceptor: the handle chain and the outcome's timer. */
  @Benchmark
  public long metrics() throws Exception {
    Delivery delivery = Delivery.of(envelope, 1, "kafka", "basket.checkout", "group", 0, ++offset);
    long start = System.nanoTime();
    metrics.dispatch(delivery);
    metricsChain.outcome(delivery, Outcome.HANDLED, null, System.nanoTime() - start);
    return handler.total;
  }
}
