package dev.domainevents.eventstore;

import org.junit.jupiter.api.extension.RegisterExtension;

/** The store on an in-memory H2 database. */
class H2EventStoreTest extends EventStoreContract {
  @RegisterExtension
  static final TestDatabase.PerClass DATABASE = new TestDatabase.PerClass(TestDatabase::h2);

  @Override
  TestDatabase database() {
    return DATABASE.get();
  }
}
