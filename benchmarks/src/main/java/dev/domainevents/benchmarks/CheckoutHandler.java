package dev.domainevents.benchmarks;

import com.google.common.eventbus.Subscribe;
import dev.domainevents.EventContext;
import dev.domainevents.EventHandler;

/**
 * One handler, reachable four ways: a direct call, the generated dispatcher, {@code
 * Method.invoke}, and Guava's {@code EventBus}. Each way does the same work: add the amount.
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
}
