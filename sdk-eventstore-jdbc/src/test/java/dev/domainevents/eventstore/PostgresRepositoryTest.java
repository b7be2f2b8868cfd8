package dev.domainevents.eventstore;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The repository on the machine's PostgreSQL; runs with {@code -Pservices}, fails if it is down.
 */
@Tag("postgres")
class PostgresRepositoryTest extends RepositoryContract {
  @RegisterExtension
  static final TestDatabase.PerClass DATABASE = new TestDatabase.PerClass(TestDatabase::postgres);

  @Override
  TestDatabase database() {
    return DATABASE.get();
  }
}
