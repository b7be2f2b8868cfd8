package dev.domainevents.sample.shop;

import dev.domainevents.kafka.embedded.EmbeddedKafka;

/**
 * The embedded Kafka broker that the shop starts when no cluster is configured. It is the only
 * class of the shop that names {@link EmbeddedKafka}, so that the broker's classes (and Kafka's
 * broker jars) are loaded only when {@code KAFKA_BOOTSTRAP_SERVERS} is unset.
 */
final class EmbeddedBroker implements AutoCloseable {
  private final EmbeddedKafka kafka;

  private EmbeddedBroker(EmbeddedKafka kafka) {
    this.kafka = kafka;
  }

  /** Starts a broker that only {@link #close()} stops, after the shop's clients are closed. */
  static EmbeddedBroker start() {
    return new EmbeddedBroker(EmbeddedKafka.create().manualShutdown().start());
  }

  String bootstrapServers() {
    return kafka.bootstrapServers();
  }

  @Override
  public void close() {
    kafka.close();
  }
}
