package dev.domainevents.sample.shop;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The shop as {@code SHOP_INFRA=amqp} starts it, on the RabbitMQ at 127.0.0.1:5672 in a virtual
 * host of its own, driven over real HTTP: the same purchase as on Kafka, handled once.
 */
@Tag("rabbitmq")
class ShopAmqpEndToEndTest {
  /** Directly, and through the outbox mode's relay ({@code SHOP_OUTBOX=h2}). */
  @ParameterizedTest
  @ValueSource(strings = {"", "h2"})
  void aPurchaseTravelsThroughRabbitMqAndIsHandledOnce(String outbox) throws Exception {
    String vhost = "de-test-shop-" + ProcessHandle.current().pid() + "-" + outbox;
    rabbitmqctl("add_vhost", vhost);
    try {
      rabbitmqctl("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*");
      try (ShopApplication shop =
          ShopApplication.startOnAmqp(
              0,
              "amqp://guest:guest@127.0.0.1:5672/" + vhost,
              ShopApplication.settings("/shop-amqp.properties", null),
              outbox.isEmpty() ? null : outbox)) {
        ShopClient client = new ShopClient(shop);
        HttpResponse<String> response = client.post("/shop/1?amount=3", "req-amqp-1");
        assertEquals(201, response.statusCode(), response.body());
        ShopClient.await(() -> shop.stock(1) == 97);
        assertEquals(1, shop.handledCount());
        assertEquals("{\"goodsId\":1,\"stock\":97}", client.get("/store/1").body());
      }
    } finally {
      rabbitmqctl("delete_vhost", vhost);
    }
  }

  /** Fails the test, rather than skipping it, when RabbitMQ is not there. */
  private static void rabbitmqctl(String... arguments) throws Exception {
    List<String> command = new ArrayList<>(List.of("rabbitmqctl", "-q"));
    command.addAll(List.of(arguments));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("rabbitmqctl " + String.join(" ", arguments) + " timed out");
    }
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(
        0, process.exitValue(), "rabbitmqctl " + String.join(" ", arguments) + ": " + output);
  }
}
