package dev.domainevents.test;

import static dev.domainevents.test.DomainEventAssertions.assertThat;
import static dev.domainevents.test.DomainEventAssertions.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.domainevents.Entity;
import dev.domainevents.EventType;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DomainEventAssertionsTest {
  record Bought(int id, int amount) {}

  record Emptied(int id) {}

  static final EventType<Bought> SHOPPING = EventType.of("Shelf:Shopping", Bought.class);
  static final EventType<Emptied> EMPTY = EventType.of("Shelf:Empty", Emptied.class);

  static final class Shelf extends Entity {
    private int stock;

    Shelf(int stock) {
      this.stock = stock;
    }

    void shopping(int amount) {
      if (amount > stock) {
        throw new IllegalArgumentException("only " + stock + " left");
      }
      stock -= amount;
      domainEvent(SHOPPING, new Bought(1, amount), Map.of("x-action", "buy"));
      if (stock == 0) {
        empty();
      }
    }

    void empty() {
      domainEvent(EMPTY, new Emptied(1));
    }

    @Override
    public String identity() {
      return "1";
    }
  }

  @Test
  void raisedFindsTheTypedEvent() {
    Shelf shelf = new Shelf(5);
    shelf.shopping(2);
    assertThat(shelf)
        .raised(SHOPPING)
        .withPayload(new Bought(1, 2))
        .withPayload(p -> assertEquals(2, p.amount()))
        .withHeader("x-action", "buy")
        .withAggregateId("1");
    assertThat(shelf).didNotRaise(EMPTY);
  }

  @Test
  void failuresListWhatWasRecorded() {
    Shelf shelf = new Shelf(5);
    shelf.shopping(2);
    AssertionError error =
        assertThrows(AssertionError.class, () -> assertThat(shelf).raised(EMPTY));
    assertTrue(
        error.getMessage().contains("expected exactly one Shelf:Empty but found 0"),
        error.getMessage());
    assertTrue(
        error.getMessage().contains("Shelf:Shopping Bought[id=1, amount=2]"), error.getMessage());

    assertThrows(
        AssertionError.class,
        () -> assertThat(shelf).raised(SHOPPING).withPayload(new Bought(1, 3)));
    assertThrows(
        AssertionError.class,
        () -> assertThat(shelf).raised(SHOPPING).withHeader("x-action", "sell"));
    assertThrows(AssertionError.class, () -> assertThat(shelf).raisedNothing());
  }

  @Test
  void givenWhenThenCountsOnlyTheWhenStep() {
    Shelf shelf = new Shelf(3);
    shelf.shopping(1);

    given(shelf)
        .when(s -> s.shopping(2))
        .expect(SHOPPING, p -> assertEquals(2, p.amount()))
        .expect(EMPTY)
        .andNothingElse();
  }

  @Test
  void givenWhenThenRejectsUnexpectedAndMissingEvents() {
    assertThrows(
        AssertionError.class,
        () -> given(new Shelf(2)).when(s -> s.shopping(2)).expect(SHOPPING).andNothingElse());
    assertThrows(
        AssertionError.class,
        () -> given(new Shelf(5)).when(s -> s.shopping(2)).expect(SHOPPING).expect(EMPTY));
    assertThrows(
        AssertionError.class, () -> given(new Shelf(5)).when(s -> s.shopping(2)).expect(EMPTY));
  }

  @Test
  void failedBusinessMethodRaisesNothing() {
    IllegalArgumentException error =
        given(new Shelf(1)).whenFails(IllegalArgumentException.class, s -> s.shopping(2));
    assertEquals("only 1 left", error.getMessage());
  }

  @Test
  void raisedExactlyChecksOrder() {
    Shelf shelf = new Shelf(1);
    shelf.shopping(1);
    assertThat(shelf).raisedExactly(SHOPPING, EMPTY);
    assertThrows(AssertionError.class, () -> assertThat(shelf).raisedExactly(EMPTY, SHOPPING));
  }
}
