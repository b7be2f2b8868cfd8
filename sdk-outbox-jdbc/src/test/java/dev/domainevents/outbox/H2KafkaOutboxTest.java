package dev.domainevents.outbox;

import org.junit.jupiter.api.extension.RegisterExtension;

/** The outbox on embedded H2, relayed to a real Kafka broker. */
class H2KafkaOutboxTest extends KafkaOutboxContract {
  @RegisterExtension
  static final TestDatabase.PerClass DATABASE = new TestDatabase.PerClass(TestDatabase::h2);

  @Override
  TestDatabase database() {
    return DATABASE.get();
  }

  @Override
  int twoRelayEventCount() {
    return 2_000;
  }
}
