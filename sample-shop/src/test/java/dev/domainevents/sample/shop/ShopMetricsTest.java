package dev.domainevents.sample.shop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The shop's {@code GET /metrics}, scraped over real HTTP around a real purchase on Kafka. */
class ShopMetricsTest {
  private static final String SHOPPING = "event=\"Goods:Shopping\"";
  private static final String KAFKA = "system=\"kafka\"";

  private static ShopApplication shop;
  private static ShopClient client;

  @BeforeAll
  static void startShop() throws Exception {
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
  void aPurchaseMovesThePublishAndHandleCounts() throws Exception {
    String before = scrape();
    double published =
        value(before, "domainevents_publish_seconds_count", SHOPPING, KAFKA, "outcome=\"success\"");
    double handled =
        value(before, "domainevents_handle_seconds_count", SHOPPING, KAFKA, "outcome=\"handled\"");

    assertEquals(201, client.post("/shop/4?amount=2").statusCode());
    ShopClient.await(() -> shop.stock(4) == 98);
    // The handle timer moves once the handler returned, a moment after the stock changed.
    ShopClient.await(
        () ->
            value(
                    scrape(),
                    "domainevents_handle_seconds_count",
                    SHOPPING,
                    KAFKA,
                    "outcome=\"handled\"")
                == handled + 1);

    String after = scrape();
    assertEquals(
        published + 1,
        value(after, "domainevents_publish_seconds_count", SHOPPING, KAFKA, "outcome=\"success\""),
        after);
    assertEquals(
        handled + 1,
        value(after, "domainevents_handle_seconds_count", SHOPPING, KAFKA, "outcome=\"handled\""),
        after);
    assertTrue(after.contains("# TYPE domainevents_publish_inflight_events gauge"), after);
    assertTrue(after.contains("domainevents_publisher_state{"), after);
  }

  @Test
  void onlyGetIsServed() throws Exception {
    assertEquals(405, client.post("/metrics").statusCode());
  }

  private static String scrape() throws Exception {
    HttpResponse<String> response = client.get("/metrics");
    assertEquals(200, response.statusCode(), response.body());
    assertTrue(
        response.headers().firstValue("Content-Type").orElseThrow().startsWith("text/plain"),
        response.headers().toString());
    return response.body();
  }

  /** The value of the first sample of {@code metric} whose labels hold all of {@code labels}. */
  private static double value(String scrape, String metric, String... labels) {
    for (String line : scrape.split("\n")) {
      if (!line.startsWith(metric + "{")) {
        continue;
      }
      int close = line.lastIndexOf('}');
      String labelText = line.substring(metric.length() + 1, close);
      boolean all = true;
      for (String label : labels) {
        all &= labelText.contains(label);
      }
      if (all) {
        return Double.parseDouble(line.substring(close + 1).trim());
      }
    }
    return 0; // not registered yet: nothing counted
  }
}
