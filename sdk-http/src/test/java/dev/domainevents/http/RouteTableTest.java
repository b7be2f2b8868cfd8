package dev.domainevents.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The route table as written by hand or by sdk-processor, and the proxy's other settings. */
class RouteTableTest {
  private static Properties table(String text) throws IOException {
    Properties properties = new Properties();
    properties.load(new StringReader(text));
    return properties;
  }

  @Test
  void readsEventsWithAndWithoutTopicsAndPlainTopics() throws IOException {
    RouteTable table =
        RouteTable.parse(
            table(
                "Goods\\:Shopping.topic=goods.shopping\n"
                    + "Goods\\:Shopping.route=/events/Goods:Shopping\n"
                    + "Goods\\:Restock.route=/stock\n"
                    + "Goods\\:Restock.cluster=eu\n"
                    + "event-sell.route=/events/event-sell\n"));

    assertEquals(
        List.of(
            new RouteTable.Route("Goods:Restock", "goods", "/stock", "eu"),
            new RouteTable.Route(
                "Goods:Shopping", "goods.shopping", "/events/Goods:Shopping", null),
            new RouteTable.Route("event-sell", "event-sell", "/events/event-sell", null)),
        table.routes());
    assertEquals(2, table.registry().eventTypes().size());
    assertEquals(byte[].class, table.registry().eventTypes().get(0).payloadType());
  }

  @Test
  void badTablesAreRefusedNamingTheKey() throws IOException {
    assertMessage("ends in none of", "Goods\\:Shopping.path=/x\n");
    assertMessage("must be a path", "Goods\\:Shopping.route=events\n");
    assertMessage("route is not set", "Goods\\:Shopping.topic=t\n");
    assertMessage("routes nothing", "");
    assertMessage("can only be itself", "event-sell.topic=other\nevent-sell.route=/x\n");
    assertMessage("use only ASCII letters", "bad\\ topic!.route=/x\n");
  }

  private static void assertMessage(String expected, String text) throws IOException {
    Properties properties = table(text);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> RouteTable.parse(properties));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }

  @Test
  void withoutRoutesTheProxyReadsTheTableThatSdkProcessorWroteIntoTheClassPath() {
    HttpProxy proxy =
        HttpProxy.builder()
            .property("bootstrap.servers", "127.0.0.1:1")
            .property("group.id", "proxy")
            .property("proxy.address", "http://127.0.0.1:8000")
            .build();
    proxy.close();
  }

  @Test
  void aRouteNamingAnUnknownClusterIsAnErrorBeforeAnythingStarts() throws IOException {
    Properties routes = table("Goods\\:Shopping.route=/x\nGoods\\:Shopping.cluster=nowhere\n");
    HttpProxy.Builder builder =
        HttpProxy.builder()
            .property("bootstrap.servers", "127.0.0.1:1")
            .property("proxy.address", "http://127.0.0.1:8000")
            .routes(routes);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, builder::build);
    assertTrue(e.getMessage().contains("unknown cluster \"nowhere\""), e.getMessage());
  }

  @Test
  void theAddressIsRequired() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> HttpProxy.builder().property("bootstrap.servers", "127.0.0.1:1").build());
    assertTrue(e.getMessage().contains("proxy.address"), e.getMessage());
  }

  @Test
  void retryAfterIsReadAsSecondsOrADateAndBounded() {
    assertEquals(Duration.ofSeconds(120), HttpForwarder.retryAfter("120"));
    assertEquals(Duration.ofDays(1), HttpForwarder.retryAfter("99999999999"));
    assertEquals(Duration.ZERO, HttpForwarder.retryAfter("soon"));
    assertEquals(Duration.ZERO, HttpForwarder.retryAfter(null));
    String inAMinute =
        DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now().plusSeconds(60));
    Duration wait = HttpForwarder.retryAfter(inAMinute);
    assertTrue(wait.getSeconds() > 50 && wait.getSeconds() <= 60, wait.toString());
  }
}
