package dev.domainevents.amqp;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A virtual host of its own on the RabbitMQ at 127.0.0.1:5672, made and deleted with {@code
 * rabbitmqctl}, so tests running at the same time never share a queue. Creating it fails (the test
 * fails, it does not skip) when RabbitMQ is down.
 */
final class RabbitVhost implements AutoCloseable {
  private static final AtomicInteger SEQUENCE = new AtomicInteger();

  final String name;

  private RabbitVhost(String name) {
    this.name = name;
  }

  static RabbitVhost create(String prefix) {
    String name =
        "de-test-"
            + prefix
            + "-"
            + ProcessHandle.current().pid()
            + "-"
            + SEQUENCE.incrementAndGet();
    rabbitmqctl("add_vhost", name);
    RabbitVhost vhost = new RabbitVhost(name);
    rabbitmqctl("set_permissions", "-p", name, "guest", ".*", ".*", ".*");
    return vhost;
  }

  String uri() {
    return "amqp://guest:guest@127.0.0.1:5672/" + name;
  }

  /** Closes every client connection to this virtual host, like a network failure would. */
  void closeAllConnections() {
    rabbitmqctl("close_all_connections", "--vhost", name, "test: connection closed on purpose");
  }

  /** A plain connection for inspecting queues and publishing raw messages. */
  Connection connect() throws IOException, TimeoutException {
    ConnectionFactory factory = new ConnectionFactory();
    try {
      factory.setUri(uri());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    factory.setAutomaticRecoveryEnabled(false);
    return factory.newConnection("test-inspector");
  }

  /** Takes every message now in {@code queue}. */
  static List<GetResponse> drain(Channel channel, String queue) throws IOException {
    List<GetResponse> messages = new ArrayList<>();
    GetResponse response;
    while ((response = channel.basicGet(queue, true)) != null) {
      messages.add(response);
    }
    return messages;
  }

  @Override
  public void close() {
    rabbitmqctl("delete_vhost", name);
  }

  private static void rabbitmqctl(String... arguments) {
    List<String> command = new ArrayList<>();
    command.add("rabbitmqctl");
    command.add("-q");
    command.addAll(List.of(arguments));
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("rabbitmqctl " + String.join(" ", arguments) + " timed out");
      }
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (process.exitValue() != 0) {
        throw new AssertionError(
            "rabbitmqctl "
                + String.join(" ", arguments)
                + " failed (is RabbitMQ running on"
                + " 127.0.0.1:5672?): "
                + output);
      }
    } catch (IOException e) {
      throw new AssertionError("could not run rabbitmqctl; is RabbitMQ installed?", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted running rabbitmqctl", e);
    }
  }
}
