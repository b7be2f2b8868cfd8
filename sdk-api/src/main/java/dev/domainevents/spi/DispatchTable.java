package dev.domainevents.spi;

import dev.domainevents.Delivery;
import dev.domainevents.EventContext;
import dev.domainevents.EventInterceptors;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The subscribed dispatchers, indexed by the names they handle. Infrastructure calls {@link
 * #dispatch} for every delivered event; it opens the {@link Envelopes#handling handling scope} so
 * that events raised by handlers are caused by the handled one.
 */
public final class DispatchTable {
  private final Map<String, EventDispatcher[]> byName;
  // byName again, as an open-addressing table that dispatch probes: a few instructions and no
  // node to follow. Names are found by identity first, as the decoders hand out the registry's own
  // strings.
  private final String[] slotNames;
  private final EventDispatcher[][] slotDispatchers;
  private final Set<String> batches;
  private final Map<String, Class<?>> topics;
  private final EventInterceptors interceptors;
  private final String system;
  // The scope stack of the first thread to dispatch, which is most often the only one (a consumer's
  // poll thread): it skips the ThreadLocal lookup. Immutable, so a racy read sees it whole.
  private ThreadFrames owner;

  private DispatchTable(
      List<EventDispatcher> dispatchers, EventInterceptors interceptors, String system) {
    this.interceptors = Objects.requireNonNull(interceptors, "interceptors");
    this.system = Objects.requireNonNull(system, "system");
    Map<String, List<EventDispatcher>> index = new LinkedHashMap<>();
    Map<String, Class<?>> topicTypes = new LinkedHashMap<>();
    for (EventDispatcher dispatcher : dispatchers) {
      for (String event : dispatcher.events()) {
        add(index, event, dispatcher);
      }
      for (Map.Entry<String, Class<?>> topic : dispatcher.topics().entrySet()) {
        Class<?> other = topicTypes.putIfAbsent(topic.getKey(), topic.getValue());
        if (other != null && other != topic.getValue()) {
          throw new IllegalArgumentException(
              "topic \""
                  + topic.getKey()
                  + "\" is handled as "
                  + other.getName()
                  + " and as "
                  + topic.getValue().getName()
                  + "; handlers of one topic must agree on its payload type");
        }
        add(index, topic.getKey(), dispatcher);
      }
    }
    // Plain loops, no lambdas or streams: this runs once per install, cold, in the interpreter.
    Map<String, EventDispatcher[]> frozen = new HashMap<>();
    Set<String> batchNames = new LinkedHashSet<>();
    for (Map.Entry<String, List<EventDispatcher>> entry : index.entrySet()) {
      String name = entry.getKey();
      List<EventDispatcher> handlers = entry.getValue();
      frozen.put(name, handlers.toArray(new EventDispatcher[0]));
      if (onlyBatches(handlers, name)) {
        batchNames.add(name);
      }
    }
    this.byName = frozen;
    int slots =
        Integer.highestOneBit(Math.max(1, frozen.size()) * 4 - 1) * 2; // at most a quarter full
    this.slotNames = new String[slots];
    this.slotDispatchers = new EventDispatcher[slots][];
    for (Map.Entry<String, EventDispatcher[]> entry : frozen.entrySet()) {
      int slot = slotOf(entry.getKey(), slots - 1);
      while (slotNames[slot] != null) {
        slot = (slot + 1) & (slots - 1);
      }
      slotNames[slot] = entry.getKey();
      slotDispatchers[slot] = entry.getValue();
    }
    this.batches = Collections.unmodifiableSet(batchNames);
    this.topics = Collections.unmodifiableMap(topicTypes);
  }

  private static void add(
      Map<String, List<EventDispatcher>> index, String name, EventDispatcher dispatcher) {
    List<EventDispatcher> handlers = index.get(name);
    if (handlers == null) {
      handlers = new ArrayList<>(1);
      index.put(name, handlers);
    }
    handlers.add(dispatcher);
  }

  private static boolean onlyBatches(List<EventDispatcher> handlers, String name) {
    for (EventDispatcher handler : handlers) {
      if (!handler.batchEvents().contains(name)) {
        return false;
      }
    }
    return true;
  }

  /** Indexes {@code dispatchers}, with no interceptor. */
  public static DispatchTable of(List<EventDispatcher> dispatchers) {
    return new DispatchTable(List.copyOf(dispatchers), EventInterceptors.none(), "unknown");
  }

  /**
   * Indexes {@code dispatchers}; every dispatch runs inside {@code interceptors}' {@link
   * EventInterceptors#handle}.
   *
   * @param system the infra that delivers, e.g. {@code kafka}: what interceptors see when a
   *     dispatched context is not a {@link Delivery}
   */
  public static DispatchTable of(
      List<EventDispatcher> dispatchers, EventInterceptors interceptors, String system) {
    return new DispatchTable(List.copyOf(dispatchers), interceptors, system);
  }

  /** The interceptors every dispatch runs inside. */
  public EventInterceptors interceptors() {
    return interceptors;
  }

  /** The domain event names that have at least one handler. */
  public Set<String> events() {
    Set<String> events = new LinkedHashSet<>(byName.keySet());
    events.removeAll(topics.keySet());
    return Collections.unmodifiableSet(events);
  }

  /** The plain topics that have at least one handler, with their payload types. */
  public Map<String, Class<?>> topics() {
    return topics;
  }

  /** Returns whether some handler handles {@code name}, an event name or a plain topic. */
  public boolean handles(String name) {
    return byName.containsKey(name);
  }

  /**
   * The names that only batch methods handle, which {@link #dispatchBatch} takes. A name that a
   * batch method and a single-event method both handle is not among them: it is dispatched record
   * by record, and the batch method receives one-element lists.
   */
  public Set<String> batches() {
    return batches;
  }

  /**
   * Calls every batch handler of {@code name} once with the payloads of {@code deliveries}, in
   * subscription order, inside the interceptors' {@link EventInterceptors#handleBatch}. No handling
   * scope is open: a batch has no single event that causes what its handler raises.
   *
   * @param deliveries events named {@code name}, in the order they were read; not empty
   * @return {@code false} if {@code name} is not among {@link #batches()}
   * @throws Exception the first handler failure; later handlers of the event are not called
   */
  public boolean dispatchBatch(String name, List<? extends Delivery> deliveries) throws Exception {
    if (!batches.contains(name)) {
      return false;
    }
    if (deliveries.isEmpty()) {
      throw new IllegalArgumentException("an empty batch of " + name);
    }
    EventDispatcher[] dispatchers = byName.get(name);
    if (interceptors.isEmpty()) {
      callEachBatch(dispatchers, name, deliveries);
    } else {
      interceptors.handleBatch(deliveries, () -> callEachBatch(dispatchers, name, deliveries));
    }
    return true;
  }

  private static void callEachBatch(
      EventDispatcher[] dispatchers, String name, List<? extends Delivery> deliveries)
      throws Exception {
    for (EventDispatcher dispatcher : dispatchers) {
      dispatcher.dispatchBatch(name, deliveries);
    }
  }

  /**
   * Calls every handler of {@code context.name()}, in subscription order, inside a handling scope
   * and the interceptors. Pass a {@link Delivery} so that interceptors see where the event came
   * from.
   *
   * @return {@code false} if no handler handles that name
   * @throws Exception the first handler failure; later handlers of the event are not called
   */
  public boolean dispatch(EventContext context) throws Exception {
    EventDispatcher[] dispatchers = dispatchersOf(context.name());
    if (dispatchers == null) {
      return false;
    }
    Envelopes.Scope scope = Envelopes.beginHandling(frames(), context.envelope());
    try {
      if (interceptors.isEmpty()) {
        callEach(dispatchers, context);
      } else {
        intercepted(dispatchers, context);
      }
    } catch (Throwable failure) {
      endAfter(failure, scope);
      throw failure;
    }
    Envelopes.endHandling(scope);
    return true;
  }

  private EventDispatcher[] dispatchersOf(String name) {
    int slot = slotOf(name, slotNames.length - 1);
    if (slotNames[slot] == name) {
      return slotDispatchers[slot];
    }
    return probe(name, slot);
  }

  /** The rest of {@link #dispatchersOf}: a name that is not the registry's string, or collided. */
  private EventDispatcher[] probe(String name, int first) {
    String[] names = slotNames;
    int mask = names.length - 1;
    int slot = first;
    while (true) {
      String candidate = names[slot];
      if (candidate == name) {
        return slotDispatchers[slot];
      }
      if (candidate == null) {
        return null;
      }
      if (candidate.equals(name)) {
        return slotDispatchers[slot];
      }
      slot = (slot + 1) & mask;
    }
  }

  private static int slotOf(String name, int mask) {
    int hash = name.hashCode();
    return (hash ^ (hash >>> 16)) & mask;
  }

  // The rarer paths of dispatch live in methods of their own, which the JIT leaves out of the
  // compiled common path while they stay cold.

  private void intercepted(EventDispatcher[] dispatchers, EventContext context) throws Exception {
    Delivery delivery =
        context instanceof Delivery d ? d : Delivery.of(context, system, context.name(), null);
    interceptors.handle(delivery, () -> callEach(dispatchers, context));
  }

  private static void endAfter(Throwable failure, Envelopes.Scope scope) {
    try {
      Envelopes.endHandling(scope);
    } catch (IllegalStateException outOfOrder) {
      failure.addSuppressed(outOfOrder);
    }
  }

  private Envelopes.Frames frames() {
    ThreadFrames owner = this.owner;
    if (owner != null && owner.thread == Thread.currentThread()) {
      return owner.frames;
    }
    return otherFrames(owner);
  }

  private Envelopes.Frames otherFrames(ThreadFrames owner) {
    Envelopes.Frames frames = Envelopes.frames();
    if (owner == null || owner.thread.getState() == Thread.State.TERMINATED) {
      // The first thread, or a successor of one that ended, e.g. a restarted consumer.
      this.owner = new ThreadFrames(Thread.currentThread(), frames);
    }
    return frames;
  }

  /** A thread and its scope stack. */
  private static final class ThreadFrames {
    final Thread thread;
    final Envelopes.Frames frames;

    ThreadFrames(Thread thread, Envelopes.Frames frames) {
      this.thread = thread;
      this.frames = frames;
    }
  }

  private static void callEach(EventDispatcher[] dispatchers, EventContext context)
      throws Exception {
    for (int i = 0; i < dispatchers.length; i++) {
      EventDispatcher dispatcher = dispatchers[i];
      if (dispatcher instanceof DeferredDispatcher deferred) {
        dispatcher = made(dispatchers, i, deferred);
      }
      dispatcher.dispatch(context);
    }
  }

  /**
   * Puts the dispatcher that {@code deferred} made in its place, so that later dispatches call it
   * directly. A racing thread may still call {@code deferred}, which dispatches the same way.
   */
  private static EventDispatcher made(
      EventDispatcher[] dispatchers, int i, DeferredDispatcher deferred) {
    EventDispatcher dispatcher = deferred.dispatcher();
    dispatchers[i] = dispatcher;
    return dispatcher;
  }
}
