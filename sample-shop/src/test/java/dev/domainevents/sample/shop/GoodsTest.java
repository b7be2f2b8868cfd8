package dev.domainevents.sample.shop;

import static dev.domainevents.test.DomainEventAssertions.assertThat;
import static dev.domainevents.test.DomainEventAssertions.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * Unit tests of the entity, with no broker: the events are checked through the generated constants.
 */
class GoodsTest {
  @Test
  void shoppingRaisesGoodsShoppingWithTheAction() {
    Goods goods = new Goods(3, 10);
    goods.shopping(4);

    assertThat(goods)
        .raised(GoodsEvents.SHOPPING)
        .withPayload(new GoodsObj(3, 4))
        .withHeader(Goods.ACTION_HEADER, "shopping")
        .withAggregateId("3");
    assertEquals(6, goods.stock());
  }

  @Test
  void buyingTheLastGoodsRaisesOneEventAndNothingElse() {
    given(new Goods(1, 2))
        .when(goods -> goods.shopping(2))
        .expect(GoodsEvents.SHOPPING, p -> assertEquals(2, p.amount()))
        .andNothingElse();
  }

  @Test
  void buyingMoreThanTheStockRaisesNothing() {
    given(new Goods(1, 2)).whenFails(OutOfStockException.class, goods -> goods.shopping(3));
  }

  @Test
  void aNonPositiveAmountRaisesNothing() {
    given(new Goods(1, 2)).whenFails(IllegalArgumentException.class, goods -> goods.shopping(0));
  }

  @Test
  void theGeneratedConstantCarriesTheDefaultTopic() {
    assertEquals("Goods:Shopping", GoodsEvents.SHOPPING.name());
    assertEquals(GoodsObj.class, GoodsEvents.SHOPPING.payloadType());
    assertEquals("goods", GoodsEvents.SHOPPING.topic());
  }
}
