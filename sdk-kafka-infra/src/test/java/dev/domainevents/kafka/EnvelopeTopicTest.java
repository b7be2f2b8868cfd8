package dev.domainevents.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.domainevents.EventType;
import dev.domainevents.json.JsonPayloadCodec;
import dev.domainevents.kafka.Fixtures.GoodsObj;
import dev.domainevents.spi.DispatchTable;
import dev.domainevents.spi.Envelopes;
import dev.domainevents.spi.EventCatalog;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Where the publish path takes an envelope's topic from; no broker needed. */
class EnvelopeTopicTest {
  private static final GoodsObj GOODS = new GoodsObj(1, "p", 1, 0, null, null);

  private static EnvelopeCodec codec(EventCatalog catalog) {
    return new EnvelopeCodec(
        JsonPayloadCodec.create(), catalog, DispatchTable.of(List.of()), WireFormat.DOMAINEVENTS);
  }

  @Test
  void anEventRaisedThroughItsTypeNeedsNoLookup() {
    EventType<GoodsObj> type = EventType.of("Goods:Shopping", GoodsObj.class, "shop.goods", 2);
    // An empty catalog: a lookup would find nothing, so the topic can only come from the type.
    EnvelopeCodec codec = codec(EventCatalog.of());
    assertEquals("shop.goods", codec.topicOf(Envelopes.event(type, "1", GOODS, Map.of())));
  }

  @Test
  void anEventRaisedByNameIsLookedUpAndMustBeRegistered() {
    EnvelopeCodec registered = codec(EventCatalog.of(Fixtures.registry("goods.by-name")));
    assertEquals(
        "goods.by-name",
        registered.topicOf(Envelopes.event("Goods:Shopping", "1", GOODS, Map.of())));

    var error =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                codec(EventCatalog.of())
                    .topicOf(Envelopes.event("Goods:Shopping", "1", GOODS, Map.of())));
    assertTrue(error.getMessage().contains("unknown event \"Goods:Shopping\""), error.getMessage());
  }

  @Test
  void aPlainMessageGoesToItsOwnTopic() {
    assertEquals(
        "event-sell",
        codec(EventCatalog.of()).topicOf(Envelopes.message("event-sell", "k", "x", Map.of())));
  }
}
