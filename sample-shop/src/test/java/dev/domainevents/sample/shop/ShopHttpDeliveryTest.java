package dev.domainevents.sample.shop;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** {@code SHOP_DELIVERY=http}: the store's handler behind the HTTP proxy, as in the seed. */
class ShopHttpDeliveryTest {
  @Test
  void aPurchaseReachesTheStoreThroughTheProxy() throws Exception {
    try (ShopApplication shop =
        ShopApplication.start(0, null, ShopApplication.kafkaSettings(null), null, true)) {
      ShopClient client = new ShopClient(shop);

      HttpResponse<String> response = client.post("/shop/3?amount=2", "req-http-1");

      assertEquals(201, response.statusCode(), response.body());
      ShopClient.await(() -> shop.stock(3) == 98);
      assertEquals(1, shop.handledCount());
    }
  }
}
