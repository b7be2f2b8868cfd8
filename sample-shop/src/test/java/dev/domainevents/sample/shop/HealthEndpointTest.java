package dev.domainevents.sample.shop;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.domainevents.InfraHealth;
import dev.domainevents.InfraHealth.State;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** {@code GET /health} over real HTTP: the JSON, 200 when up and 503 when down. */
class HealthEndpointTest {
  private static final InfraHealth.Consumer RUNNING =
      new InfraHealth.Consumer(
          "shop-1-consumer-1",
          "sample-shop",
          State.RUNNING,
          null,
          1,
          List.of(new InfraHealth.PartitionLag("goods", 0, 2)));

  @Test
  void answers200WhenUpAnd503WithTheCauseWhenDown() throws Exception {
    AtomicReference<InfraHealth> health =
        new AtomicReference<>(
            new InfraHealth(
                "kafka",
                List.of(RUNNING),
                new InfraHealth.Publisher(State.RUNNING, null, 3),
                Map.of("publish.failed", 0L, "consume.skipped", 4L)));
    try (ShopHttpServer http = new ShopHttpServer(0, null, new Store(1, 1, 1)::stock)) {
      http.serveHealth(health::get);
      http.start();
      HttpClient client = HttpClient.newHttpClient();
      URI uri = URI.create("http://127.0.0.1:" + http.port() + "/health");

      HttpResponse<String> up =
          client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, up.statusCode());
      assertEquals(
          "{\"status\":\"UP\",\"system\":\"kafka\",\"consumers\":[{\"name\":\"shop-1-consumer-1\","
              + "\"group\":\"sample-shop\",\"state\":\"RUNNING\",\"cause\":null,\"restarts\":1,"
              + "\"lag\":2,\"partitions\":[{\"topic\":\"goods\",\"partition\":0,\"lag\":2}]}],"
              + "\"publisher\":{\"state\":\"RUNNING\",\"cause\":null,\"inFlight\":3},"
              + "\"counts\":{\"consume.skipped\":4,\"publish.failed\":0}}",
          up.body());

      health.set(
          new InfraHealth(
              "kafka",
              List.of(
                  new InfraHealth.Consumer(
                      "shop-1-consumer-1",
                      "sample-shop",
                      State.STOPPED,
                      "java.lang.Error: \"bug\"",
                      0,
                      List.of())),
              new InfraHealth.Publisher(State.RUNNING, null, 0),
              Map.of()));
      HttpResponse<String> down =
          client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(503, down.statusCode());
      assertEquals(
          "{\"status\":\"DOWN\",\"system\":\"kafka\",\"consumers\":[{\"name\":\"shop-1-consumer-1\","
              + "\"group\":\"sample-shop\",\"state\":\"STOPPED\","
              + "\"cause\":\"java.lang.Error: \\\"bug\\\"\",\"restarts\":0,\"lag\":0,"
              + "\"partitions\":[]}],\"publisher\":{\"state\":\"RUNNING\",\"cause\":null,"
              + "\"inFlight\":0},\"counts\":{}}",
          down.body());
    }
  }
}
