package dev.domainevents.spi;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@link EventDispatcher#dispatchesTo}: how an infra finds a handler class's dispatcher. */
class DispatchesToTest {
  /** A nested handler class, as a user writes it. */
  static final class Shop {}

  @Test
  void aGeneratedDispatcherIsFoundByTheNameTheProcessorGivesIt() {
    EventDispatcher generated = new DispatchesToTest_Shop_EventDispatcher();
    assertTrue(generated.dispatchesTo(Shop.class));
    assertFalse(generated.dispatchesTo(DispatchesToTest.class));
    assertFalse(generated.dispatchesTo(String.class));
  }

  @Test
  void aHandWrittenDispatcherIsItsOwnHandlerClass() {
    EventDispatcher own = new DispatchesToTest_Shop_EventDispatcher();
    assertTrue(own.dispatchesTo(DispatchesToTest_Shop_EventDispatcher.class));
  }
}
