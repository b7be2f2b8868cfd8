package dev.domainevents.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TopicsTest {
  @Test
  void defaultTopicIsLowerCaseDottedAndKebab() {
    assertEquals("goods.shopping", Topics.defaultTopic("Goods:Shopping"));
    assertEquals("order.add-line", Topics.defaultTopic("Order:AddLine"));
    assertEquals("shopping-cart.check-out", Topics.defaultTopic("ShoppingCart:CheckOut"));
    assertEquals("io-device.read-io", Topics.defaultTopic("IODevice:ReadIO"));
  }

  @Test
  void defaultTopicsAreLegal() {
    assertTrue(Topics.isLegal(Topics.defaultTopic("Goods:Shopping")));
  }

  @Test
  void legality() {
    assertNull(Topics.problemWith("retry-goods.shopping_v2"));
    assertTrue(Topics.problemWith("goods:shopping").contains("':'"));
    assertTrue(Topics.problemWith("goods shopping").contains("' '"));
    assertFalse(Topics.isLegal(""));
    assertFalse(Topics.isLegal(".."));
    assertFalse(Topics.isLegal("x".repeat(250)));
    assertTrue(Topics.isLegal("x".repeat(249)));
  }
}
