package dev.domainevents.sample.shop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
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
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static ShopApplication shop;
  private static HttpClient http;

  @BeforeAll
  static void startShop() throws IOException {
    shop = ShopApplication.start(0, null, ShopApplication.kafkaSettings(null));
    http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
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
    HttpResponse<String> response = post("/shop/1?amount=3", "req-e2e-1");

    assertEquals(201, response.statusCode(), response.body());
    assertTrue(response.body().matches("\\{\"eventId\":\"[0-9a-f-]{36}\".*"), response.body());
    assertEquals("req-e2e-1", response.headers().firstValue("X-Request-Id").orElseThrow());
    await(() -> shop.stock(1) == 97);
    assertEquals(1, shop.handledCount());
    assertEquals("{\"goodsId\":1,\"stock\":97}", get("/store/1").body());
  }

  @Test
  @Order(2)
  void correlationIdIsGeneratedWhenTheRequestHasNone() throws Exception {
    HttpResponse<String> response = post("/shop/2?amount=1", null);
    assertEquals(201, response.statusCode(), response.body());
    String generated = response.headers().firstValue("X-Request-Id").orElseThrow();
    assertTrue(response.body().contains("\"correlationId\":\"" + generated + "\""), response.body());
    await(() -> shop.stock(2) == 99);
  }

  @Test
  @Order(3)
  void badRequestsRaiseNothing() throws Exception {
    long handledBefore = shop.handledCount();

    HttpResponse<String> unknown = post("/shop/11?amount=1", null);
    assertEquals(404, unknown.statusCode());
    assertTrue(unknown.body().startsWith("{\"error\":"), unknown.body());
    assertEquals(404, get("/store/11").statusCode());
    assertEquals(400, post("/shop/3?amount=0", null).statusCode());
    assertEquals(400, post("/shop/3?amount=-2", null).statusCode());
    assertEquals(400, post("/shop/3?amount=many", null).statusCode());
    assertEquals(400, post("/shop/3", null).statusCode());
    HttpResponse<String> tooMany = post("/shop/3?amount=101", null);
    assertEquals(409, tooMany.statusCode());
    assertTrue(tooMany.body().contains("only 100 left"), tooMany.body());

    // Give a wrongly raised event time to arrive before asserting that none did.
    HttpResponse<String> marker = post("/shop/4?amount=1", null);
    assertEquals(201, marker.statusCode());
    await(() -> shop.stock(4) == 99);
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
      purchases.add(
          http.sendAsync(
              request("/shop/" + goodsId + "?amount=" + amount, null)
                  .POST(HttpRequest.BodyPublishers.noBody())
                  .build(),
              HttpResponse.BodyHandlers.ofString()));
    }
    int[] expected = before.clone();
    for (int i = 0; i < 200; i++) {
      HttpResponse<String> response = purchases.get(i).get();
      assertEquals(201, response.statusCode(), response.body());
      expected[1 + i % 10] -= 1 + i % 3;
    }

    await(() -> shop.handledCount() == handledBefore + 200);
    for (int id = 1; id <= 10; id++) {
      assertEquals(expected[id], shop.stock(id), "stock of goods " + id);
      assertEquals(
          "{\"goodsId\":" + id + ",\"stock\":" + expected[id] + "}", get("/store/" + id).body());
    }
    // At-least-once delivery with dedupe: nothing more arrives later.
    Thread.sleep(1_000);
    assertEquals(handledBefore + 200, shop.handledCount());
  }

  private static HttpRequest.Builder request(String path, String requestId) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + shop.port() + path))
            .timeout(Duration.ofSeconds(30));
    if (requestId != null) {
      builder.header("X-Request-Id", requestId);
    }
    return builder;
  }

  private static HttpResponse<String> post(String path, String requestId) throws Exception {
    return http.send(
        request(path, requestId).POST(HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return http.send(request(path, null).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private static void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within " + WAIT);
      }
      Thread.sleep(50);
    }
  }
}
