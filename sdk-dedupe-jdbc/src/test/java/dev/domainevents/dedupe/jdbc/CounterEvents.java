package dev.domainevents.dedupe.jdbc;

import dev.domainevents.EventContext;
import dev.domainevents.EventEnvelope;
import dev.domainevents.EventType;
import dev.domainevents.spi.Envelopes;
import dev.domainevents.spi.EventDispatcher;
import dev.domainevents.spi.EventRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Hand-written stand-ins for what sdk-processor generates (a registry and a dispatcher), and the
 * tests' handler: it counts each event in the handling transaction.
 */
final class CounterEvents {
  static final String TICKED = "Counter:Ticked";

  private CounterEvents() {}

  static EventRegistry registry(String topic) {
    EventType<Tick> ticked = EventType.of(TICKED, Tick.class, topic, 1);
    return new EventRegistry() {
      @Override
      public List<EventType<?>> eventTypes() {
        return List.of(ticked);
      }

      @Override
      public EventDispatcher dispatcherFor(Object handler) {
        return null;
      }
    };
  }

  static EventEnvelope ticked(String counter, int sequence) {
    return Envelopes.event(TICKED, counter, new Tick(counter, sequence), Map.of());
  }

  /** The effect tables: one counter row, and one log row per effect with no unique key. */
  static void createEffectTables(TestDatabase database) throws SQLException {
    database.execute(
        "CREATE TABLE effect_counter (id INT PRIMARY KEY, handled BIGINT NOT NULL)",
        "INSERT INTO effect_counter (id, handled) VALUES (1, 0)",
        "CREATE TABLE effect_log (event_id VARCHAR(36) NOT NULL, counter VARCHAR(64) NOT NULL,"
            + " sequence INT NOT NULL)");
  }

  /** Adds one to the counter and logs the event, through the dedupe transaction. */
  static void count(EventContext context) throws SQLException {
    Connection transaction = JdbcDedupeStore.connection(context);
    Tick tick = (Tick) context.envelope().payload();
    try (PreparedStatement update =
        transaction.prepareStatement(
            "UPDATE effect_counter SET handled = handled + 1 WHERE id = 1")) {
      update.executeUpdate();
    }
    try (PreparedStatement insert =
        transaction.prepareStatement(
            "INSERT INTO effect_log (event_id, counter, sequence) VALUES (?, ?, ?)")) {
      insert.setString(1, context.eventId().toString());
      insert.setString(2, tick.counter());
      insert.setInt(3, tick.sequence());
      insert.executeUpdate();
    }
  }

  /** Like a generated dispatcher for a handler whose method is {@link #count}. */
  static final class Dispatcher implements EventDispatcher {
    @Override
    public Set<String> events() {
      return Set.of(TICKED);
    }

    @Override
    public Map<String, Class<?>> topics() {
      return Map.of();
    }

    @Override
    public boolean dispatch(EventContext context) throws Exception {
      if (!context.name().equals(TICKED)) {
        return false;
      }
      count(context);
      return true;
    }
  }
}
