package dev.domainevents.benchmarks;

import com.google.common.eventbus.Subscribe;
import dev.domainevents.EventContext;
import dev.domainevents.EventHandler;
import org.springframework.context.event.EventListener;

/**
 * One handler, reachable five ways: a direct call, the generated dispatcher (alone or through the
 * SDK's dispatch table), {@code Method.invoke}, Guava's {@code EventBus} and Spring's multicaster.
 * Each way does the same work: add the amount.
 */
public class CheckoutHandler {
  long total;

  @EventHandler("Basket:Checkout")
  public void onCheckout(Purchase purchase, EventContext context) {
    total += purchase.amount();
  }

  /** Guava's subscriber method; Guava delivers by payload type, with no context. */
  @Subscribe
  public void onGuava(Purchase purchase) {
    total += purchase.amount();
  }

  /** Spring's listener method; Spring delivers by payload type, with no context. */
  @EventListener
  public void onSpring(Purchase purchase) {
    total += purchase.amount();
  }
}
