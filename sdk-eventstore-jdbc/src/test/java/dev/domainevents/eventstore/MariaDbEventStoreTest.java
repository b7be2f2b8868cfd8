package dev.domainevents.eventstore;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The store on the machine's MariaDB. Runs with {@code -Pservices} and fails, not skips, if the
 * server is unreachable.
 */
@Tag("mariadb")
class MariaDbEventStoreTest extends EventStoreContract {
  @RegisterExtension
  static final TestDatabase.PerClass DATABASE = new TestDatabase.PerClass(TestDatabase::mariadb);

  @Override
  TestDatabase database() {
    return DATABASE.get();
  }
}
