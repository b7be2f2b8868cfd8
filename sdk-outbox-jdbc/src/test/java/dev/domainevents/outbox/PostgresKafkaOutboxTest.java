package dev.domainevents.outbox;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The outbox on the machine's PostgreSQL, relayed to a real Kafka broker; the two-relay test ships
 * 20,000 events with {@code FOR UPDATE SKIP LOCKED}. Runs with {@code -Pservices} and fails, not
 * skips, if the server is unreachable.
 */
@Tag("postgres")
class PostgresKafkaOutboxTest extends KafkaOutboxContract {
  @RegisterExtension
  static final TestDatabase.PerClass DATABASE = new TestDatabase.PerClass(TestDatabase::postgres);

  @Override
  TestDatabase database() {
    return DATABASE.get();
  }

  @Override
  int twoRelayEventCount() {
    return 20_000;
  }
}
