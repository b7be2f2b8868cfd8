package dev.domainevents.http;

import static dev.domainevents.http.Fixtures.SHOPPING;
import static dev.domainevents.http.Fixtures.await;
import static dev.domainevents.http.Fixtures.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.domainevents.EventEnvelope;
import dev.domainevents.http.Fixtures.GoodsObj;
import dev.domainevents.http.Fixtures.RecordingHandler;
import dev.domainevents.json.JsonPayloadCodec;
import dev.domainevents.kafka.KafkaInfra;
import dev.domainevents.spi.Envelopes;
import dev.domainevents.spi.EventCatalog;
import dev.domainevents.test.kafka.EmbeddedKafkaExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The proxy against a server that speaks both HTTP/1.1 and h2c (Jetty), calling the receiver's
 * plain function: {@code proxy.http2} decides the protocol the events travel in.
 */
class H2cProxyTest {
  @RegisterExtension static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

  private static final Duration WAIT = Duration.ofSeconds(180);

  @ParameterizedTest(name = "http2={0}")
  @ValueSource(booleans = {true, false})
  void eventsTravelInTheConfiguredProtocol(boolean http2) throws Exception {
    String topic = unique("goods-shopping");
    EventCatalog catalog = EventCatalog.of(Fixtures.registry(topic));
    RecordingHandler handler = new RecordingHandler();
    EventReceiver receiver = EventReceiver.create(catalog, JsonPayloadCodec.create(), handler);
    Set<HttpVersion> versions = ConcurrentHashMap.newKeySet();
    Server jetty = new Server();
    HttpConfiguration config = new HttpConfiguration();
    ServerConnector connector =
        new ServerConnector(
            jetty, new HttpConnectionFactory(config), new HTTP2CServerConnectionFactory(config));
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    jetty.addConnector(connector);
    jetty.setHandler(
        new Handler.Abstract() {
          @Override
          public boolean handle(Request request, Response response, Callback callback)
              throws Exception {
            if (request.getMethod().equals("POST")) {
              versions.add(request.getConnectionMetaData().getHttpVersion());
            }
            Map<String, List<String>> headers = new LinkedHashMap<>();
            for (HttpField field : request.getHeaders()) {
              headers
                  .computeIfAbsent(field.getName(), k -> new ArrayList<>())
                  .add(field.getValue());
            }
            byte[] body = Content.Source.asInputStream(request).readAllBytes();
            EventReceiver.Response answer = receiver.receive(headers, body);
            response.setStatus(answer.status());
            Content.Sink.write(response, true, answer.body(), callback);
            return true;
          }
        });
    jetty.start();
    try {
      Properties props = Fixtures.fastClient(KAFKA.bootstrapServers(), unique("proxy"));
      props.put("proxy.address", "http://127.0.0.1:" + connector.getLocalPort());
      props.put("proxy.http2", Boolean.toString(http2));
      Properties routes = new Properties();
      routes.put(SHOPPING + ".topic", topic);
      routes.put(SHOPPING + ".route", "/events/" + SHOPPING);
      List<EventEnvelope> events = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        events.add(
            Envelopes.event(
                Fixtures.shopping(topic),
                Long.toString(i % 5),
                new GoodsObj(i % 5, 1, i),
                Map.of()));
      }
      try (HttpProxy proxy = HttpProxy.builder().properties(props).routes(routes).build().start();
          KafkaInfra publisher =
              KafkaInfra.builder()
                  .properties(Fixtures.fastClient(KAFKA.bootstrapServers(), null))
                  .build()) {
        publisher.start(catalog);
        publisher.publishAndWait(events);
        await(WAIT, "200 events handled", () -> handler.handled.size() >= events.size());
      }
      assertEquals(events.size(), handler.handled.size());
      // Every POST, the first included, travels in the configured protocol.
      assertEquals(Set.of(http2 ? HttpVersion.HTTP_2 : HttpVersion.HTTP_1_1), versions);
    } finally {
      jetty.stop();
    }
  }
}
