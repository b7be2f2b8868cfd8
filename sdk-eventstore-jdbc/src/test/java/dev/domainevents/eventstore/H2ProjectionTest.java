package dev.domainevents.eventstore;

import org.junit.jupiter.api.extension.RegisterExtension;

/** Projections on an in-memory H2 database. */
class H2ProjectionTest extends ProjectionContract {
  @RegisterExtension
  static final TestDatabase.PerClass DATABASE = new TestDatabase.PerClass(TestDatabase::h2);

  @Override
  TestDatabase database() {
    return DATABASE.get();
  }
}
