package dev.domainevents.outbox;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;

/**
 * The outbox on the machine's PostgreSQL. Runs with {@code -Ppostgres} and fails, not skips, if the
 * server is unreachable.
 */
@Tag("postgres")
class PostgresOutboxTest extends OutboxContract {
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
