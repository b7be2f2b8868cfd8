package dev.domainevents.kafka.embedded;

/** An application that starts a broker, says so and closes it; run in a JVM of its own by tests. */
final class StartAndCloseMain {
  static final String STARTED = "embedded broker started at ";

  private StartAndCloseMain() {}

  public static void main(String[] args) {
    try (EmbeddedKafka kafka = EmbeddedKafka.create().start()) {
      System.out.println(STARTED + kafka.bootstrapServers());
    }
  }
}
