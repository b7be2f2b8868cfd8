package dev.domainevents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.domainevents.spi.Topics;
import org.junit.jupiter.api.Test;

class EventTypeTest {
  @Test
  void bothFactoriesApplyTheOneNameRule() {
    var error =
        assertThrows(
            IllegalArgumentException.class, () -> EventType.of("Goods:shopping", String.class));
    assertTrue(error.getMessage().startsWith("illegal event name: "), error.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> EventType.of("Goods:Shop$ping", String.class, "goods.shopping", 1));
    assertThrows(
        IllegalArgumentException.class,
        () -> new EventType<>("Goods:shopping", String.class, "Goods", "goods.shopping", 1));
  }

  @Test
  void theAggregateTypeMustBeTheNamesPrefix() {
    var error =
        assertThrows(
            IllegalArgumentException.class,
            () -> new EventType<>("Goods:Shopping", String.class, "Good", "goods.shopping", 1));
    assertTrue(error.getMessage().contains("Good:Action"), error.getMessage());
    assertEquals("Goods", EventType.of("Goods:Shopping", String.class).aggregateType());
  }

  @Test
  void theDefaultTopicNeedsALegalName() {
    assertEquals("goods", Topics.defaultTopic("Goods:AddLine"));
    assertEquals("goods", EventType.of("Goods:AddLine", String.class).topic());
    assertThrows(IllegalArgumentException.class, () -> Topics.defaultTopic("Goods:addLine"));
  }
}
