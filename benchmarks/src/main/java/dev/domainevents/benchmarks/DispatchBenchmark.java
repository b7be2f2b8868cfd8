package dev.domainevents.benchmarks;

import com.google.common.eventbus.EventBus;
import dev.domainevents.EventContext;
import dev.domainevents.spi.Envelopes;
import dev.domainevents.spi.EventDispatcher;
import java.lang.reflect.Method;
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
 * Dispatching one event to one handler, four ways. Each benchmark starts from what a consumer
 * holds after decoding (the context of the event) and ends in the handler method.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class DispatchBenchmark {
  private CheckoutHandler handler;
  private EventDispatcher generated;
  private Method method;
  private EventBus guava;
  private EventContext context;

  @Setup
  public void setUp() throws NoSuchMethodException {
    handler = new CheckoutHandler();
    generated = new CheckoutHandler_EventDispatcher(handler);
    method = CheckoutHandler.class.getMethod("onCheckout", Purchase.class, EventContext.class);
    guava = new EventBus();
    guava.register(handler);
    Purchase purchase = Purchase.sample(7);
    context =
        EventContext.of(Envelopes.event("Basket:Checkout", "7", purchase, Map.of()));
  }

  /** The baseline: the call a user would write by hand. */
  @Benchmark
  public long direct() {
    handler.onCheckout((Purchase) context.envelope().payload(), context);
    return handler.total;
  }

  /** The processor's generated dispatcher. */
  @Benchmark
  public long generated() throws Exception {
    generated.dispatch(context);
    return handler.total;
  }

  /**
   * A control, not a way to dispatch: the generated method's body pasted here. It measures what the
   * name check costs without the call to the dispatcher object; docs/PERFORMANCE.md cites it.
   */
  @Benchmark
  public long inlinedDispatcherBody() {
    String name = context.name();
    if ("Basket:Checkout".equals(name)) {
      handler.onCheckout((Purchase) context.envelope().payload(), context);
    }
    return handler.total;
  }

  /** What a reflection-based bus does: look nothing up, but call through {@code Method.invoke}. */
  @Benchmark
  public long reflection() throws Exception {
    method.invoke(handler, context.envelope().payload(), context);
    return handler.total;
  }

  /** Guava's {@code EventBus} with an {@code @Subscribe} method. */
  @Benchmark
  public long guava() {
    guava.post(context.envelope().payload());
    return handler.total;
  }
}
