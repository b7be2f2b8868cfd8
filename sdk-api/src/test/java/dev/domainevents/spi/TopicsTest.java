package dev.domainevents.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TopicsTest {
  @Test
  void defaultTopicIsTheAggregateTypeInKebabCase() {
    assertEquals("goods", Topics.defaultTopic("Goods:Shopping"));
    assertEquals("order", Topics.defaultTopic("Order:AddLine"));
    assertEquals("shopping-cart", Topics.defaultTopic("ShoppingCart:CheckOut"));
    assertEquals("io-device", Topics.defaultTopic("IODevice:ReadIO"));
    assertEquals("http2-server", Topics.defaultTopic("Http2Server:Start"));
  }

  @Test
  void everyEventOfAnAggregateSharesItsDefaultTopic() {
    assertEquals(Topics.defaultTopic("Order:Created"), Topics.defaultTopic("Order:Cancelled"));
    assertEquals(Topics.defaultTopic("Order:Created"), Topics.defaultTopic("Order:AddLine"));
  }

  @Test
  void defaultTopicsAreLegalAndLeaveRoomForRetryAndDeadLetterTopics() {
    assertTrue(Topics.isLegal(Topics.defaultTopic("Goods:Shopping")));
    assertNull(Topics.eventTopicProblem(Topics.defaultTopic("IODevice:ReadIO")));
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
