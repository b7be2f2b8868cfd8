package dev.domainevents.sample.shop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shop in its event-sourced mode ({@code SHOP_STORE=eventsourced}), driven over real HTTP on an
 * embedded Kafka broker: purchases are appended to the goods' streams, {@code GET /store/{id}}
 * answers from the projection, and a restart on a file database rebuilds both the goods and the
 * read model from the stored events.
 */
class ShopEventSourcedTest {
  @TempDir Path directory;

  private static ShopApplication start(String eventStore) throws Exception {
    return ShopApplication.start(
        0, null, ShopApplication.kafkaSettings(null), null, false, eventStore);
  }

  @Test
  void purchasesAreAppendedAsEventsAndTheStoreAnswersFromTheProjection() throws Exception {
    try (ShopApplication shop = start("h2")) {
      ShopClient client = new ShopClient(shop);

      HttpResponse<String> bought = client.post("/shop/1?amount=3");
      assertEquals(201, bought.statusCode(), bought.body());
      assertEquals("{\"goodsId\":1,\"stock\":97}", client.get("/store/1").body());

      HttpResponse<String> tooMany = client.post("/shop/2?amount=101");
      assertEquals(409, tooMany.statusCode());
      assertTrue(tooMany.body().contains("only 100 left"), tooMany.body());
      assertEquals(404, client.post("/shop/11?amount=1").statusCode());
      assertEquals("{\"goodsId\":2,\"stock\":100}", client.get("/store/2").body());

      // Racing purchases of one goods: each loser of a race loads the goods again and retries.
      List<CompletableFuture<HttpResponse<String>>> racing = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        racing.add(client.postAsync("/shop/4?amount=1"));
      }
      for (CompletableFuture<HttpResponse<String>> purchase : racing) {
        assertEquals(201, purchase.get().statusCode(), purchase.get().body());
      }
      ShopClient.await(() -> client.get("/store/4").body().equals("{\"goodsId\":4,\"stock\":80}"));

      // The appended events also went to the outbox, and through Kafka to the store controller.
      ShopClient.await(() -> shop.handledCount() == 21);
      assertEquals(97, shop.stock(1));
      assertEquals(80, shop.stock(4));
    }
  }

  @Test
  void aRestartOnAFileDatabaseRebuildsTheStockFromItsEvents() throws Exception {
    String url = "jdbc:h2:file:" + directory.resolve("shop-events").toAbsolutePath();
    try (ShopApplication shop = start(url)) {
      ShopClient client = new ShopClient(shop);
      assertEquals(201, client.post("/shop/1?amount=3").statusCode());
      assertEquals(201, client.post("/shop/1?amount=2").statusCode());
      assertEquals(201, client.post("/shop/7?amount=10").statusCode());
      assertEquals("{\"goodsId\":1,\"stock\":95}", client.get("/store/1").body());
    }

    try (ShopApplication shop = start(url)) {
      ShopClient client = new ShopClient(shop);
      // The read model, rebuilt from the log at start.
      assertEquals("{\"goodsId\":1,\"stock\":95}", client.get("/store/1").body());
      assertEquals("{\"goodsId\":7,\"stock\":90}", client.get("/store/7").body());
      assertEquals("{\"goodsId\":2,\"stock\":100}", client.get("/store/2").body());
      // The aggregate, rebuilt by replaying its events: it knows only 95 are left.
      HttpResponse<String> tooMany = client.post("/shop/1?amount=96");
      assertEquals(409, tooMany.statusCode());
      assertTrue(tooMany.body().contains("only 95 left"), tooMany.body());
      assertEquals(201, client.post("/shop/1?amount=95").statusCode());
      assertEquals("{\"goodsId\":1,\"stock\":0}", client.get("/store/1").body());
    }
  }
}
