package dev.domainevents.spi;

import dev.domainevents.EventContext;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Calls one handler object's {@link dev.domainevents.EventHandler} methods. The annotation
 * processor generates one implementation per handler class, e.g. {@code
 * StoreController_EventDispatcher}, whose {@link #dispatch} is a switch over event names that calls
 * each method directly: no reflection. The generated registry hands most of them out inside a
 * {@link DeferredDispatcher}, so that each is loaded when its first event arrives.
 */
public interface EventDispatcher {
  /** The domain event names this dispatcher handles. */
  Set<String> events();

  /** The plain topics this dispatcher handles, each with the payload type to decode into. */
  Map<String, Class<?>> topics();

  /**
   * Calls the handler method bound to {@code context.name()} with the context's payload.
   *
   * @return {@code false} if no method of this dispatcher handles that name
   * @throws Exception whatever the handler method throws
   */
  boolean dispatch(EventContext context) throws Exception;

  /**
   * The names (events or topics) this dispatcher handles with a batch method, one that takes a
   * {@code List} of payloads. {@link #dispatch} calls such a method with a one-element list, so an
   * infra that does not batch needs nothing else.
   */
  default Set<String> batchEvents() {
    return Set.of();
  }

  /**
   * Calls the batch method bound to {@code name} once with the payloads of {@code contexts}, in
   * their order. Every context must carry an event of that name.
   *
   * @return {@code false} if no batch method of this dispatcher handles that name
   * @throws Exception whatever the handler method throws
   */
  default boolean dispatchBatch(String name, List<? extends EventContext> contexts)
      throws Exception {
    return false;
  }

  /**
   * Whether this dispatcher calls the methods of instances of {@code handlerClass}, so that an
   * infra can pause one handler class's consumption. The default recognises the dispatcher that
   * sdk-processor generates for the class ({@code StoreController} → {@code
   * StoreController_EventDispatcher}, nested {@code Shop.Store} → {@code
   * Shop_Store_EventDispatcher}) and a hand-written dispatcher that is the class itself; a
   * hand-written dispatcher for another class overrides it.
   */
  default boolean dispatchesTo(Class<?> handlerClass) {
    Class<?> own = getClass();
    if (own == handlerClass) {
      return true;
    }
    String packageName = handlerClass.getPackageName();
    String flat =
        handlerClass.getName().substring(packageName.isEmpty() ? 0 : packageName.length() + 1);
    String generated =
        (packageName.isEmpty() ? "" : packageName + ".")
            + flat.replace('$', '_')
            + "_EventDispatcher";
    return own.getName().equals(generated);
  }
}
