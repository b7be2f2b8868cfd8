package dev.domainevents.outbox;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The outbox on embedded H2, which also supports {@code FOR UPDATE SKIP LOCKED}. */
class H2OutboxTest extends OutboxContract {
  private static TestDatabase database;

  @BeforeAll
  static void createDatabase() throws Exception {
    database = TestDatabase.h2();
  }

  @AfterAll
  static void dropDatabase() {
    database.close();
  }

  @Override
  TestDatabase database() {
    return database;
  }

  @Override
  int twoRelayEventCount() {
    return 2_000;
  }
}
