package dev.domainevents.outbox;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Runs with {@code -Pservices}; fails, not skips, if PostgreSQL is unreachable. */
@Tag("postgres")
class PostgresTransactionalMessagesTest extends TransactionalMessagesContract {
  @RegisterExtension
  static final TestDatabase.PerClass DATABASE = new TestDatabase.PerClass(TestDatabase::postgres);

  @Override
  TestDatabase database() {
    return DATABASE.get();
  }
}
