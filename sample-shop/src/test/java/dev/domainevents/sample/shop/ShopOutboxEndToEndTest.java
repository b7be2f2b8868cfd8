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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Starts the shop in outbox mode ({@code SHOP_OUTBOX=h2}) on an embedded Kafka broker and drives
 * it over real HTTP: each purchase updates the {@code goods} table and writes its event to the
 * outbox in one H2 transaction, and the relay ships it to the store through Kafka. The tests share
 * one shop, so they run in a fixed order and each asserts on what it changed.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ShopOutboxEndToEndTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static ShopApplication shop;
  private static HttpClient http;

  @BeforeAll
  static void startShop() throws IOException {
    shop = ShopApplication.start(0, null, ShopApplication.kafkaSettings(null), "h2");
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
  void purchaseCommitsStockAndEventTogetherAndTheStoreHandlesItOnce() throws Exception {
    HttpResponse<String> response = post("/shop/1?amount=3");

    assertEquals(201, response.statusCode(), response.body());
    assertTrue(response.body().matches("\\{\"eventId\":\"[0-9a-f-]{36}\".*"), response.body());
    assertEquals(97, shop.outbox().stock(1), "the goods table, committed with the event");
    await(() -> shop.stock(1) == 97);
    await(() -> shop.outbox().unsent() == 0);
    assertEquals(1, shop.handledCount());
    assertEquals("{\"goodsId\":1,\"stock\":97}", get("/store/1").body());
  }

  @Test
  @Order(2)
  void rejectedPurchaseRollsBackAndShipsNothing() throws Exception {
    long handledBefore = shop.handledCount();

    HttpResponse<String> tooMany = post("/shop/2?amount=101");
    assertEquals(409, tooMany.statusCode());
    assertTrue(tooMany.body().contains("only 100 left"), tooMany.body());
    assertEquals(404, post("/shop/11?amount=1").statusCode());
    assertEquals(100, shop.outbox().stock(2));
    assertEquals(0, shop.outbox().unsent());

    // Give a wrongly written event time to arrive before asserting that none did.
    assertEquals(201, post("/shop/3?amount=1").statusCode());
    await(() -> shop.stock(3) == 99);
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
      purchases.add(
          http.sendAsync(
              request("/shop/" + (1 + i % 10) + "?amount=" + (1 + i % 3))
                  .POST(HttpRequest.BodyPublishers.noBody())
                  .build(),
              HttpResponse.BodyHandlers.ofString()));
    }
    int[] expected = before.clone();
    for (int i = 0; i < 100; i++) {
      HttpResponse<String> response = purchases.get(i).get();
      assertEquals(201, response.statusCode(), response.body());
      expected[1 + i % 10] -= 1 + i % 3;
    }

    await(() -> shop.handledCount() == handledBefore + 100);
    for (int id = 1; id <= 10; id++) {
      assertEquals(expected[id], shop.outbox().stock(id), "database stock of goods " + id);
      assertEquals(expected[id], shop.stock(id), "store stock of goods " + id);
    }
    await(() -> shop.outbox().unsent() == 0);
    Thread.sleep(1_000);
    assertEquals(handledBefore + 100, shop.handledCount(), "nothing arrives twice");
  }

  private static HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + shop.port() + path))
        .timeout(Duration.ofSeconds(30));
  }

  private static HttpResponse<String> post(String path) throws Exception {
    return http.send(
        request(path).POST(HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return http.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A condition that may throw, e.g. a database read. */
  private interface Condition {
    boolean holds() throws Exception;
  }

  private static void await(Condition condition) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.holds()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within " + WAIT);
      }
      Thread.sleep(50);
    }
  }
}
