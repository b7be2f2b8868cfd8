package dev.domainevents;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method that handles a domain event, or the messages of a plain topic.
 *
 * <pre>{@code
 * final class StoreController {
 *   @EventHandler("Goods:Shopping")
 *   void onShopping(GoodsObj goods, EventContext context) { ... }
 *
 *   @EventHandler(topic = "event-sell")
 *   void onSell(SellMessage message) { ... }
 * }
 * }</pre>
 *
 * <p>The method is non-private, non-static and returns {@code void}. Its first parameter is the
 * payload type: the event's registered type, or for a topic the type to decode messages into. An
 * optional second parameter is an {@link EventEnvelope} or an {@link EventContext}. It may throw;
 * what happens then is the installed infra's failure policy.
 *
 * <p>A batch handler takes a {@code java.util.List} of the payload type instead, optionally with a
 * {@code List<EventContext>} of the same length and order:
 *
 * <pre>{@code
 * @EventHandler("Goods:Shopping")
 * void onShoppings(List<GoodsObj> goods, List<EventContext> contexts) { ... }
 * }</pre>
 *
 * <p>Infra that batches (Kafka) passes it up to a configured number of events per call; any other
 * infra passes one-element lists. The lists are read-only.
 *
 * <p>The annotation processor checks all of this at compile time and generates a dispatcher, {@code
 * StoreController_EventDispatcher}, that calls the method directly. Install the handler with {@link
 * DomainEvents#install(dev.domainevents.spi.DomainEventInfra, Object...)}.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface EventHandler {
  /** The domain event name, e.g. {@code "Goods:Shopping"}. Exclusive with {@link #topic()}. */
  String value() default "";

  /** A plain topic to consume instead of a domain event. Exclusive with {@link #value()}. */
  String topic() default "";
}
