package dev.domainevents.spi;

import dev.domainevents.EventContext;
import java.util.Map;
import java.util.Set;

/** Named as sdk-processor names the dispatcher of {@code DispatchesToTest.Shop}. */
final class DispatchesToTest_Shop_EventDispatcher implements EventDispatcher {
  @Override
  public Set<String> events() {
    return Set.of();
  }

  @Override
  public Map<String, Class<?>> topics() {
    return Map.of();
  }

  @Override
  public boolean dispatch(EventContext context) {
    return false;
  }
}
