package dev.domainevents.outbox;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Runs with {@code -Pservices}; fails, not skips, if MariaDB is unreachable. */
@Tag("mariadb")
class MariaDbDatabaseEventBusTest extends DatabaseEventBusContract {
  @RegisterExtension
  static final TestDatabase.PerClass DATABASE = new TestDatabase.PerClass(TestDatabase::mariadb);

  @Override
  TestDatabase database() {
    return DATABASE.get();
  }
}
