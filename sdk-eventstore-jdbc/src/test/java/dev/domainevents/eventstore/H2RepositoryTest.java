package dev.domainevents.eventstore;

import org.junit.jupiter.api.extension.RegisterExtension;

/** The repository on an in-memory H2 database. */
class H2RepositoryTest extends RepositoryContract {
  @RegisterExtension
  static final TestDatabase.PerClass DATABASE = new TestDatabase.PerClass(TestDatabase::h2);

  @Override
  TestDatabase database() {
    return DATABASE.get();
  }
}
