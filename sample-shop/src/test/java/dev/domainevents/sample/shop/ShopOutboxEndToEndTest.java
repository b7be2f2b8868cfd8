package dev.domainevents.sample.shop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Starts the shop in outbox mode ({@code SHOP_OUTBOX=h2}) on an embedded Kafka broker and drives it
 * over real HTTP: each purchase updates the {@code goods} table and writes its event to the outbox
 * in one H2 transaction, and the relay ships it to the store through Kafka. The tests share one
 * shop, so they run in a fixed order and each asserts on what it changed.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ShopOutboxEndToEndTest {
  private static ShopApplication shop;
  private static ShopClient client;

  @BeforeAll
  static void startShop() throws IOException {
    shop = ShopApplication.start(0, null, ShopApplication.kafkaSettings(null), "h2");
    client = new ShopClient(shop);
  }

  @AfterAll
  static void stopShop() {
    if (shop != null) {
      shop.close();
    }
  }

  @Test
  @Order(1)
  void purchaseCommitsStockAndEventTogetherAndTheStoreHandlesItOnce() throws Exception {
    HttpResponse<String> response = client.post("/shop/1?amount=3");

    assertEquals(201, response.statusCode(), response.body());
    assertTrue(response.body().matches("\\{\"eventId\":\"[0-9a-f-]{36}\".*"), response.body());
    assertEquals(97, shop.outbox().stock(1), "the goods table, committed with the event");
    ShopClient.await(() -> shop.stock(1) == 97);
    ShopClient.await(() -> shop.outbox().unsent() == 0);
    assertEquals(1, shop.handledCount());
    assertEquals("{\"goodsId\":1,\"stock\":97}", client.get("/store/1").body());
  }

  @Test
  @Order(2)
  void rejectedPurchaseRollsBackAndShipsNothing() throws Exception {
    long handledBefore = shop.handledCount();

    HttpResponse<String> tooMany = client.post("/shop/2?amount=101");
    assertEquals(409, tooMany.statusCode());
    assertTrue(tooMany.body().contains("only 100 left"), tooMany.body());
    assertEquals(404, client.post("/shop/11?amount=1").statusCode());
    assertEquals(100, shop.outbox().stock(2));
    assertEquals(0, shop.outbox().unsent());

    // Give a wrongly written event time to arrive before asserting that none did.
    assertEquals(201, client.post("/shop/3?amount=1").statusCode());
    ShopClient.await(() -> shop.stock(3) == 99);
    assertEquals(handledBefore + 1, shop.handledCount());
    assertEquals(100, shop.stock(2));
  }

  @Test
  @Order(3)
  void concurrentPurchasesAllArriveAndMatchTheDatabase() throws Exception {
    long handledBefore = shop.handledCount();
    int[] before = new int[11];
    for (int id = 1; id <= 10; id++) {
      before[id] = shop.outbox().stock(id);
    }

    List<CompletableFuture<HttpResponse<String>>> purchases = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      purchases.add(client.postAsync("/shop/" + (1 + i % 10) + "?amount=" + (1 + i % 3)));
    }
    int[] expected = before.clone();
    for (int i = 0; i < 100; i++) {
      HttpResponse<String> response = purchases.get(i).get();
      assertEquals(201, response.statusCode(), response.body());
      expected[1 + i % 10] -= 1 + i % 3;
    }

    ShopClient.await(() -> shop.handledCount() == handledBefore + 100);
    for (int id = 1; id <= 10; id++) {
      assertEquals(expected[id], shop.outbox().stock(id), "database stock of goods " + id);
      assertEquals(expected[id], shop.stock(id), "store stock of goods " + id);
    }
    ShopClient.await(() -> shop.outbox().unsent() == 0);
    Thread.sleep(1_000);
    assertEquals(handledBefore + 100, shop.handledCount(), "nothing arrives twice");
  }
}
