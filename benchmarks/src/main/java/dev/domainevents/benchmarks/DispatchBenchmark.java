package dev.domainevents.benchmarks;

import com.google.common.eventbus.EventBus;
import dev.domainevents.EventContext;
import dev.domainevents.EventEnvelope;
import dev.domainevents.spi.DispatchTable;
import dev.domainevents.spi.Envelopes;
import dev.domainevents.spi.EventCatalog;
import dev.domainevents.spi.EventDispatcher;
import java.lang.reflect.Method;
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
import org.openjdk.jmh.annotations.TearDown;
import org.springframework.context.PayloadApplicationEvent;
import org.springframework.context.annotation.AnnotationConfigUtils;
import org.springframework.context.event.SimpleApplicationEventMulticaster;
import org.springframework.context.support.GenericApplicationContext;

/**
 * Dispatching one event to one handler. Two comparisons, kept apart:
 *
 * <ul>
 *   <li>bus against bus: {@link #recordPath} is what the SDK's consumers run per record ({@code
 *       DispatchTable.dispatch} with {@code EventContext.of(envelope)}, inside the handling scope),
 *       against Guava's {@code EventBus.post} and Spring's {@code
 *       SimpleApplicationEventMulticaster} with an {@code @EventListener} method, each starting
 *       from the payload or envelope in hand;
 *   <li>the generated dispatcher's innermost call against a direct call (and {@code
 *       Method.invoke}), from a context already made.
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class DispatchBenchmark {
  private CheckoutHandler handler;
  private EventDispatcher generated;
  private DispatchTable table;
  private Method method;
  private EventBus guava;
  private GenericApplicationContext spring;
  private SimpleApplicationEventMulticaster multicaster;
  private EventEnvelope envelope;
  private EventContext context;

  @Setup
  public void setUp() throws NoSuchMethodException {
    handler = new CheckoutHandler();
    generated = new CheckoutHandler_EventDispatcher(handler);
    // What install subscribes: the registry's dispatcher for the handler, which defers making the
    // generated one to the first event.
    table = DispatchTable.of(List.of(EventCatalog.load().dispatcherFor(handler)));
    method = CheckoutHandler.class.getMethod("onCheckout", Purchase.class, EventContext.class);
    guava = new EventBus();
    guava.register(handler);
    // Spring as a user meets it: the handler a bean with an @EventListener method, registered by
    // the context's annotation processing, events multicast by the context's default multicaster.
    spring = new GenericApplicationContext();
    spring.registerBean(CheckoutHandler.class, () -> handler);
    AnnotationConfigUtils.registerAnnotationConfigProcessors(spring);
    spring.refresh();
    multicaster =
        spring.getBean(
            GenericApplicationContext.APPLICATION_EVENT_MULTICASTER_BEAN_NAME,
            SimpleApplicationEventMulticaster.class);
    envelope = Envelopes.event("Basket:Checkout", "7", Purchase.sample(7), Map.of());
    context = EventContext.of(envelope);
  }

  @TearDown
  public void tearDown() {
    spring.close();
  }

  /** What the SDK's consumers run per record, from the decoded envelope to the handler. */
  @Benchmark
  public long recordPath() throws Exception {
    table.dispatch(EventContext.of(envelope));
    return handler.total;
  }

  /** Guava's {@code EventBus} with an {@code @Subscribe} method. */
  @Benchmark
  public long guava() {
    guava.post(envelope.payload());
    return handler.total;
  }

  /**
   * Spring's multicaster with an {@code @EventListener} method, as {@code publishEvent} calls it.
   */
  @Benchmark
  public long spring() {
    multicaster.multicastEvent(new PayloadApplicationEvent<>(spring, envelope.payload()));
    return handler.total;
  }

  /** The baseline of the innermost call: the call a user would write by hand. */
  @Benchmark
  public long direct() {
    handler.onCheckout((Purchase) context.envelope().payload(), context);
    return handler.total;
  }

  /** The processor's generated dispatcher, from a context already made. */
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

  /** What a reflection-based bus does at its core: call through {@code Method.invoke}. */
  @Benchmark
  public long reflection() throws Exception {
    method.invoke(handler, context.envelope().payload(), context);
    return handler.total;
  }
}
