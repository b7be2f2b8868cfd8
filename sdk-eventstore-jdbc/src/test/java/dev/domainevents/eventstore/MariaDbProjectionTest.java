package dev.domainevents.eventstore;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Projections on the machine's MariaDB; runs with {@code -Pservices}, fails if it is down. */
@Tag("mariadb")
class MariaDbProjectionTest extends ProjectionContract {
  @RegisterExtension
  static final TestDatabase.PerClass DATABASE = new TestDatabase.PerClass(TestDatabase::mariadb);

  @Override
  TestDatabase database() {
    return DATABASE.get();
  }
}
