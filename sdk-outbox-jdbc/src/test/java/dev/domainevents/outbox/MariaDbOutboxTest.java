package dev.domainevents.outbox;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The outbox on the machine's MariaDB. Runs with {@code -Pservices} and fails, not skips, if the
 * server is unreachable.
 */
@Tag("mariadb")
class MariaDbOutboxTest extends OutboxContract {
  @RegisterExtension
  static final TestDatabase.PerClass DATABASE = new TestDatabase.PerClass(TestDatabase::mariadb);

  @Override
  TestDatabase database() {
    return DATABASE.get();
  }

  @Override
  int twoRelayEventCount() {
    return 5_000;
  }
}
