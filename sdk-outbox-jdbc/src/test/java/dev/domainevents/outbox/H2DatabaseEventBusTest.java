package dev.domainevents.outbox;

import org.junit.jupiter.api.extension.RegisterExtension;

class H2DatabaseEventBusTest extends DatabaseEventBusContract {
  @RegisterExtension
  static final TestDatabase.PerClass DATABASE = new TestDatabase.PerClass(TestDatabase::h2);

  @Override
  TestDatabase database() {
    return DATABASE.get();
  }
}
