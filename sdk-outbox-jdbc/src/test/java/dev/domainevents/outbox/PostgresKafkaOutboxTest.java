package dev.domainevents.outbox;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;

/**
 * The outbox on the machine's PostgreSQL, relayed to a real Kafka broker; the two-relay test ships
 * 20,000 events with {@code FOR UPDATE SKIP LOCKED}. Runs with {@code -Ppostgres} and fails, not
 * skips, if the server is unreachable.
 */
@Tag("postgres")
class PostgresKafkaOutboxTest extends KafkaOutboxContract {
  private static TestDatabase database;

  @BeforeAll
  static void createDatabase() throws Exception {
    database = TestDatabase.postgres();
  }

  @AfterAll
  static void dropDatabase() {
    if (database != null) {
      database.close();
    }
  }

  @Override
  TestDatabase database() {
    return database;
  }

  @Override
  int twoRelayEventCount() {
    return 20_000;
  }
}
