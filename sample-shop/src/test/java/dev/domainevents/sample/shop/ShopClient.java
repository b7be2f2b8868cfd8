package dev.domainevents.sample.shop;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** Real HTTP calls to a running shop, and a bounded wait, for the end-to-end tests. */
final class ShopClient {
  private static final Duration WAIT = Duration.ofSeconds(60);

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final ShopApplication shop;

  ShopClient(ShopApplication shop) {
    this.shop = shop;
  }

  /** POSTs to {@code path}, with an {@code X-Request-Id} unless {@code requestId} is null. */
  HttpResponse<String> post(String path, String requestId) throws Exception {
    return http.send(postRequest(path, requestId), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> post(String path) throws Exception {
    return post(path, null);
  }

  /** POSTs without waiting, for concurrent purchases. */
  CompletableFuture<HttpResponse<String>> postAsync(String path) {
    return http.sendAsync(postRequest(path, null), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> get(String path) throws Exception {
    return http.send(request(path, null).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpRequest postRequest(String path, String requestId) {
    return request(path, requestId).POST(HttpRequest.BodyPublishers.noBody()).build();
  }

  private HttpRequest.Builder request(String path, String requestId) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + shop.port() + path))
            .timeout(Duration.ofSeconds(30));
    if (requestId != null) {
      builder.header(ShopHttpServer.REQUEST_ID, requestId);
    }
    return builder;
  }

  /** A condition that may throw, e.g. a database read. */
  interface Condition {
    boolean holds() throws Exception;
  }

  /** Polls {@code condition} until it holds, failing after a minute. */
  static void await(Condition condition) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.holds()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within " + WAIT);
      }
      Thread.sleep(50);
    }
  }
}
