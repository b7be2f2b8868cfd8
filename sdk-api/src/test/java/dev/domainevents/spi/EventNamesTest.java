package dev.domainevents.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class EventNamesTest {
  @Test
  void legalNames() {
    assertNull(EventNames.problemWith("Goods:Shopping"));
    assertNull(EventNames.problemWith("IODevice:ReadIO"));
    assertNull(EventNames.problemWith("Order2:Add_line3"));
    assertNull(EventNames.problemWith("goods:Shopping")); // a lower-case class name is legal Java
  }

  @Test
  void theActionMustStartUpperCase() {
    assertTrue(EventNames.problemWith("Goods:shopping").contains("upper-case"));
    assertFalse(EventNames.isLegal("Goods:_shopping"));
    assertFalse(EventNames.isLegal("Goods:"));
  }

  @Test
  void dollarsAndNonAsciiLettersAreIllegal() {
    assertTrue(EventNames.problemWith("Goods:Shop$ping").contains("'$'"));
    assertTrue(EventNames.problemWith("Gööds:Shopping").contains("'ö'"));
    assertTrue(EventNames.problemWith("Goods:Kaufé").contains("'é'"));
    assertFalse(EventNames.isLegal("Ärger:Shopping"));
    assertFalse(EventNames.isLegal("1Goods:Shopping"));
    assertFalse(EventNames.isLegal(":Shopping"));
    assertFalse(EventNames.isLegal("Goods:Shop:ping"));
  }

  @Test
  void namesWithoutAColonAreNotEventNames() {
    assertTrue(EventNames.problemWith("goods.shopping").contains("Aggregate:Action"));
    assertFalse(EventNames.isEventName("goods.shopping"));
    assertTrue(EventNames.isEventName("Goods:Shopping"));
  }

  @Test
  void lengthIsBounded() {
    String longest = "G:" + "A".repeat(EventNames.MAX_LENGTH - 2);
    assertNull(EventNames.problemWith(longest));
    assertTrue(EventNames.problemWith(longest + "A").contains("at most 200"));
  }

  @Test
  void derivesTheNameFromAMethod() {
    assertEquals("Goods:Shopping", EventNames.of("Goods", "shopping"));
    assertEquals("Goods", EventNames.aggregateType("Goods:Shopping"));
    assertThrows(IllegalArgumentException.class, () -> EventNames.aggregateType("Goods:shopping"));
    assertThrows(IllegalArgumentException.class, () -> EventNames.requireLegal(null));
  }

  @Test
  void isLegalAgreesWithProblemWith() {
    for (String name :
        new String[] {
          "Goods:Shopping",
          "goods:Shopping",
          "Order2:Add_line3",
          "G:A",
          "Goods:shopping",
          "Goods:_x",
          "Goods:",
          ":Shopping",
          "Goods",
          "",
          "Goods:Shop:ping",
          "Go ds:Shopping",
          "Goods:Shop-ping",
          "1Goods:Shopping",
          "_Goods:Shopping",
          "Gööds:Shopping",
          "G:" + "A".repeat(EventNames.MAX_LENGTH - 2),
          "G:" + "A".repeat(EventNames.MAX_LENGTH - 1)
        }) {
      assertEquals(EventNames.problemWith(name) == null, EventNames.isLegal(name), name);
    }
    assertFalse(EventNames.isLegal(null));
  }
}
