package dev.domainevents.spi;

import dev.domainevents.EventContext;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A generated dispatcher that is made when the first event reaches it. The generated registry
 * returns one from {@link EventRegistry#dispatcherFor} for a public handler class without plain
 * topics, with the handler's event names as literals, so that installing handlers loads no
 * dispatcher class: each is loaded, and made with {@link EventRegistry#newDispatcher}, on its first
 * dispatch.
 */
public final class DeferredDispatcher implements EventDispatcher {
  private final EventRegistry registry;
  private final int index;
  private final Object handler;
  private final Class<?> handlerClass;
  private final Set<String> events;
  private final Set<String> batchEvents;
  // A plain field: a thread that races the first one makes a second, equal dispatcher, and every
  // field of a dispatcher it reads through this one is final.
  private EventDispatcher made;

  /**
   * Creates a dispatcher for {@code handler} that {@code registry} makes on first use.
   *
   * @param index what {@code registry} takes in {@link EventRegistry#newDispatcher}
   * @param handlerClass the class the dispatcher is generated for, which {@code handler} is an
   *     instance of
   * @param events the event names the dispatcher handles
   * @param batchEvents the names among {@code events} that a batch method handles
   */
  public DeferredDispatcher(
      EventRegistry registry,
      int index,
      Object handler,
      Class<?> handlerClass,
      Set<String> events,
      Set<String> batchEvents) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.index = index;
    this.handler = Objects.requireNonNull(handler, "handler");
    this.handlerClass = Objects.requireNonNull(handlerClass, "handlerClass");
    this.events = Objects.requireNonNull(events, "events");
    this.batchEvents = Objects.requireNonNull(batchEvents, "batchEvents");
  }

  /** The generated dispatcher, made on the first call. */
  public EventDispatcher dispatcher() {
    EventDispatcher dispatcher = made;
    return dispatcher != null ? dispatcher : make();
  }

  private EventDispatcher make() {
    EventDispatcher dispatcher = registry.newDispatcher(index, handler);
    if (dispatcher == null) {
      throw new IllegalStateException(
          registry.getClass().getName()
              + " made no dispatcher number "
              + index
              + " for "
              + handlerClass.getName());
    }
    made = dispatcher;
    return dispatcher;
  }

  @Override
  public Set<String> events() {
    return events;
  }

  @Override
  public Map<String, Class<?>> topics() {
    return Map.of();
  }

  @Override
  public boolean dispatch(EventContext context) throws Exception {
    return dispatcher().dispatch(context);
  }

  @Override
  public Set<String> batchEvents() {
    return batchEvents;
  }

  @Override
  public boolean dispatchBatch(String name, List<? extends EventContext> contexts)
      throws Exception {
    return dispatcher().dispatchBatch(name, contexts);
  }

  @Override
  public boolean dispatchesTo(Class<?> handlerClass) {
    return this.handlerClass == handlerClass;
  }

  @Override
  public String toString() {
    return "DeferredDispatcher[" + handlerClass.getName() + "]";
  }
}
