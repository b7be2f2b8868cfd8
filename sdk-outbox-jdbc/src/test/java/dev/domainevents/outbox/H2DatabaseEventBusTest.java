package dev.domainevents.outbox;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

class H2DatabaseEventBusTest extends DatabaseEventBusContract {
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
}
