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
 * Starts the shop as {@code main} does, on an embedded Kafka broker, and drives it over real HTTP.
 * The tests share one shop, so they run in a fixed order and each asserts on what it changed.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ShopEndToEndTest {
  private static ShopApplication shop;
  private static ShopClient client;

  @BeforeAll
  static void startShop() throws IOException {
    shop = ShopApplication.start(0, null, ShopApplication.kafkaSettings(null));
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
  void purchaseIsHandledExactlyOnceByTheStore() throws Exception {
    HttpResponse<String> response = client.post("/shop/1?amount=3", "req-e2e-1");

    assertEquals(201, response.statusCode(), response.body());
    assertTrue(response.body().matches("\\{\"eventId\":\"[0-9a-f-]{36}\".*"), response.body());
    assertEquals("req-e2e-1", response.headers().firstValue("X-Request-Id").orElseThrow());
    ShopClient.await(() -> shop.stock(1) == 97);
    assertEquals(1, shop.handledCount());
    assertEquals("{\"goodsId\":1,\"stock\":97}", client.get("/store/1").body());
  }

  @Test
  @Order(2)
  void correlationIdIsGeneratedWhenTheRequestHasNone() throws Exception {
    HttpResponse<String> response = client.post("/shop/2?amount=1");
    assertEquals(201, response.statusCode(), response.body());
    String generated = response.headers().firstValue("X-Request-Id").orElseThrow();
    assertTrue(
        response.body().contains("\"correlationId\":\"" + generated + "\""), response.body());
    ShopClient.await(() -> shop.stock(2) == 99);
  }

  @Test
  @Order(3)
  void badRequestsRaiseNothing() throws Exception {
    long handledBefore = shop.handledCount();

    HttpResponse<String> unknown = client.post("/shop/11?amount=1");
    assertEquals(404, unknown.statusCode());
    assertTrue(unknown.body().startsWith("{\"error\":"), unknown.body());
    assertEquals(404, client.get("/store/11").statusCode());
    assertEquals(400, client.post("/shop/3?amount=0").statusCode());
    assertEquals(400, client.post("/shop/3?amount=-2").statusCode());
    assertEquals(400, client.post("/shop/3?amount=many").statusCode());
    assertEquals(400, client.post("/shop/3").statusCode());
    HttpResponse<String> tooMany = client.post("/shop/3?amount=101");
    assertEquals(409, tooMany.statusCode());
    assertTrue(tooMany.body().contains("only 100 left"), tooMany.body());

    // Give a wrongly raised event time to arrive before asserting that none did.
    HttpResponse<String> marker = client.post("/shop/4?amount=1");
    assertEquals(201, marker.statusCode());
    ShopClient.await(() -> shop.stock(4) == 99);
    assertEquals(handledBefore + 1, shop.handledCount());
    assertEquals(100, shop.stock(3));
  }

  @Test
  @Order(4)
  void concurrentPurchasesAcrossTenGoodsAllArrive() throws Exception {
    int[] before = new int[11];
    for (int id = 1; id <= 10; id++) {
      before[id] = shop.stock(id);
    }
    long handledBefore = shop.handledCount();

    List<CompletableFuture<HttpResponse<String>>> purchases = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      int goodsId = 1 + i % 10;
      int amount = 1 + i % 3;
      purchases.add(client.postAsync("/shop/" + goodsId + "?amount=" + amount));
    }
    int[] expected = before.clone();
    for (int i = 0; i < 200; i++) {
      HttpResponse<String> response = purchases.get(i).get();
      assertEquals(201, response.statusCode(), response.body());
      expected[1 + i % 10] -= 1 + i % 3;
    }

    ShopClient.await(() -> shop.handledCount() == handledBefore + 200);
    for (int id = 1; id <= 10; id++) {
      assertEquals(expected[id], shop.stock(id), "stock of goods " + id);
      assertEquals(
          "{\"goodsId\":" + id + ",\"stock\":" + expected[id] + "}",
          client.get("/store/" + id).body());
    }
    // At-least-once delivery with dedupe: nothing more arrives later.
    Thread.sleep(1_000);
    assertEquals(handledBefore + 200, shop.handledCount());
  }

  @Test
  @Order(5)
  void healthIsUpWithTheConsumerCaughtUp() throws Exception {
    ShopClient.await(
        () -> {
          HttpResponse<String> health = client.get("/health");
          return health.statusCode() == 200
              && health.body().contains("\"lag\":0,\"partitions\":[{");
        });
    HttpResponse<String> health = client.get("/health");
    assertEquals(200, health.statusCode(), health.body());
    assertEquals("application/json", health.headers().firstValue("Content-Type").orElseThrow());
    String body = health.body();
    assertTrue(body.startsWith("{\"status\":\"UP\",\"system\":\"kafka\""), body);
    assertTrue(body.contains("\"state\":\"RUNNING\""), body);
    assertTrue(body.contains("\"group\":\"sample-shop\""), body);
    assertTrue(body.contains("\"publisher\":{\"state\":\"RUNNING\""), body);
    assertTrue(body.contains("\"publish.in-flight\":0"), body);
    assertEquals(405, client.post("/health").statusCode());
  }
}
