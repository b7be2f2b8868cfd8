package dev.domainevents.outbox;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.domainevents.DomainEvents;
import dev.domainevents.Entity;
import dev.domainevents.EventEnvelope;
import dev.domainevents.EventType;
import dev.domainevents.memory.InMemoryInfra;
import dev.domainevents.spi.DomainEventInfra;
import dev.domainevents.spi.EncodedPayload;
import dev.domainevents.spi.Envelopes;
import dev.domainevents.spi.EventCatalog;
import dev.domainevents.spi.EventDispatcher;
import dev.domainevents.spi.EventRegistry;
import dev.domainevents.spi.PayloadCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An outbox row written by the old release, at version 1, shipped by the relay of the upgraded
 * release, at version 2: the relay upcasts it, and the handler sees the new payload.
 */
class OutboxUpcastingTest {
  @RegisterExtension
  static final TestDatabase.PerClass DATABASE = new TestDatabase.PerClass(TestDatabase::h2);

  /** Version 1 of Goods:Sell, as the old release knew it. */
  record SoldV1(String sku, int seq) {}

  /** Version 2: {@code seq} became {@code sequence}, {@code channel} was added. */
  record SoldV2(String sku, int sequence, String channel) {}

  private static final EventType<SoldV1> SELL_V1 = EventType.of("Goods:Sell", SoldV1.class);
  private static final EventType<SoldV2> SELL_V2 =
      EventType.of("Goods:Sell", SoldV2.class, SELL_V1.topic(), 2);

  /** The old release's entity. */
  static final class OldGoods extends Entity {
    void sell() {
      domainEvent(SELL_V1, new SoldV1("apple", 1));
    }

    @Override
    public String identity() {
      return "apple";
    }
  }

  private static EventCatalog catalog(EventType<?> type, UnaryOperator<Map<String, Object>> up) {
    return EventCatalog.of(
        new EventRegistry() {
          @Override
          public List<EventType<?>> eventTypes() {
            return List.of(type);
          }

          @Override
          public EventDispatcher dispatcherFor(Object handler) {
            return null;
          }

          @Override
          public UnaryOperator<Map<String, Object>> upcaster(String event, int from) {
            return from == 1 && event.equals(type.name()) ? up : null;
          }
        });
  }

  /** The old release writes a version 1 row, and stops before its relay ships it. */
  private static void writeAsTheOldRelease(TestDatabase database, JdbcOutbox outbox)
      throws Exception {
    try (DomainEvents.Installation old =
        DomainEvents.install(new InMemoryInfra(), catalog(SELL_V1, null), new Recorder())) {
      OldGoods goods = new OldGoods();
      goods.sell();
      outbox.inTransaction(database.dataSource(), connection -> outbox.write(connection, goods));
    }
  }

  /** The upgraded release: version 2 and its upcaster. */
  private static EventCatalog upgraded() {
    return catalog(
        SELL_V2,
        v1 -> {
          v1.put("sequence", v1.remove("seq"));
          v1.put("channel", "shop");
          return v1;
        });
  }

  @Test
  void aVersionOneRowIsShippedAsVersionTwoAfterAnUpgrade() throws Exception {
    TestDatabase database = DATABASE.get();
    database.clear();
    JdbcOutbox outbox = JdbcOutbox.create();
    writeAsTheOldRelease(database, outbox);
    assertEquals(1, database.count("schema_version = 1"));

    Recorder recorder = new Recorder();
    try (DomainEvents.Installation installation =
        DomainEvents.install(new InMemoryInfra(), upgraded(), recorder)) {
      assertEquals(1, OutboxRelay.builder(database.dataSource(), outbox).build().pollOnce());
      List<EventEnvelope> delivered = recorder.awaitDistinct(1, Duration.ofSeconds(30));
      assertEquals(new SoldV2("apple", 1, "shop"), delivered.get(0).payload());
      assertEquals(2, delivered.get(0).schemaVersion());
      assertEquals(1, database.count("status = " + OutboxRows.SENT));
    }
  }

  @Test
  void toAnInfraThatShipsStoredBytesAVersionOneRowIsStillUpcastAndACurrentOneIsNot()
      throws Exception {
    TestDatabase database = DATABASE.get();
    database.clear();
    JdbcOutbox outbox = JdbcOutbox.create();
    writeAsTheOldRelease(database, outbox);
    EventEnvelope current =
        Envelopes.event(SELL_V2, "apple", new SoldV2("apple", 2, "web"), Map.of());
    outbox.inTransaction(
        database.dataSource(), connection -> outbox.writeEnvelopes(connection, List.of(current)));
    ShipsStoredBytes target = new ShipsStoredBytes();

    assertEquals(
        2,
        OutboxRelay.builder(database.dataSource(), outbox)
            .infra(target)
            .catalog(upgraded())
            .build()
            .pollOnce());

    assertEquals(new SoldV2("apple", 1, "shop"), target.published.get(0).payload(), "upcast");
    EncodedPayload stored = (EncodedPayload) target.published.get(1).payload();
    assertEquals(SoldV2.class, stored.type());
    assertArrayEquals(
        outbox.codec().encode(new SoldV2("apple", 2, "web")),
        EncodedPayload.encode(outbox.codec(), stored),
        "the stored bytes");
  }

  /** Takes payloads in their stored bytes, and keeps what it is given; the broker always agrees. */
  private static final class ShipsStoredBytes implements DomainEventInfra {
    final List<EventEnvelope> published = new ArrayList<>();

    @Override
    public void subscribe(EventDispatcher dispatcher) {}

    @Override
    public void start(EventCatalog catalog) {}

    @Override
    public boolean shipsEncodedPayloads(PayloadCodec codec) {
      return true;
    }

    @Override
    public CompletableFuture<Void> publish(List<EventEnvelope> events) {
      published.addAll(events);
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public void close() {}
  }

  /** The newer release's entity, at version 3. */
  static final class NewerGoods extends Entity {
    void sell() {
      domainEvent(
          EventType.of("Goods:Sell", SoldV2.class, SELL_V1.topic(), 3),
          new SoldV2("pear", 1, "web"));
    }

    @Override
    public String identity() {
      return "pear";
    }
  }

  @Test
  void aRowOfANewerVersionIsMarkedFailedNeverMisread() throws Exception {
    TestDatabase database = DATABASE.get();
    database.clear();
    JdbcOutbox outbox = JdbcOutbox.create();
    EventType<SoldV2> v3 = EventType.of("Goods:Sell", SoldV2.class, SELL_V1.topic(), 3);
    try (DomainEvents.Installation newer =
        DomainEvents.install(new InMemoryInfra(), catalog(v3, null), new Recorder())) {
      NewerGoods goods = new NewerGoods();
      goods.sell();
      outbox.inTransaction(database.dataSource(), connection -> outbox.write(connection, goods));
    }
    Recorder recorder = new Recorder();
    try (DomainEvents.Installation older =
        DomainEvents.install(new InMemoryInfra(), catalog(SELL_V2, null), recorder)) {
      OutboxRelay.builder(database.dataSource(), outbox).build().pollOnce();
      assertEquals(1, database.count("status = " + OutboxRows.FAILED));
      assertEquals(
          1,
          database.count(
              "last_error LIKE '%written with schema version 3, but this service knows only up to"
                  + " version 2%'"));
      assertEquals(List.of(), recorder.deliveries());
    }
  }
}
