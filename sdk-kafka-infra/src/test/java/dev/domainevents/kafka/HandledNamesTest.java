package dev.domainevents.kafka;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HandledNamesTest {
  @Test
  void findsEachHandledNameByItsBytesAsTheSameString() {
    List<String> handled = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      // One aggregate's names share their prefix and often their length: the hash must cope.
      handled.add(new String("Goods:Shopped" + i)); // not interned: identity is what is checked
    }
    handled.add("Zahlung:Eingegangen\u00e4");
    HandledNames names = new HandledNames(handled);
    for (String name : handled) {
      assertSame(name, names.find(utf8(name)), name);
    }
  }

  @Test
  void answersNothingForAnyOtherName() {
    HandledNames names = new HandledNames(List.of("Goods:Shopped", "Goods:Returned"));
    for (String other :
        List.of("", "Goods:Shopped ", "goods:Shopped", "Goods:Shoppe", "Goods:Returned2", "x")) {
      assertNull(names.find(utf8(other)), other);
    }
    assertNull(new HandledNames(List.of()).find(utf8("Goods:Shopped")));
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
