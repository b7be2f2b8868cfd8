package dev.domainevents.outbox;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;

/** Runs with {@code -Ppostgres}; fails, not skips, if PostgreSQL is unreachable. */
@Tag("postgres")
class PostgresTransactionalMessagesTest extends TransactionalMessagesContract {
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
}
