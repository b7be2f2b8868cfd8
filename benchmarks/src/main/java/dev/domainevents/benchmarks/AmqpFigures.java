package dev.domainevents.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The AMQP figures: the SDK against hand-written amqp-client code and against Spring AMQP, each
 * comparison in alternated pairs (the SDK first in one pair, the peer first in the next), and the
 * median of each comparison's ratios. Empty when RabbitMQ is not reachable.
 */
final class AmqpFigures {
  private static final int PUBLISH_PAIRS = 6;
  private static final int CONSUME_PAIRS = 6;

  /** One alternated pair: what was measured, against which peer, and both rates per second. */
  private record Pair(String what, String peer, double sdk, double peerRate) {}

  private static final String UNREACHABLE = "RabbitMQ is not reachable on 127.0.0.1:5672";

  private final List<Pair> rows = new ArrayList<>();

  /** Why nothing was measured, or {@code null} when the section ran. */
  private final String notMeasured;

  private AmqpFigures(String notMeasured) {
    this.notMeasured = notMeasured;
  }

  /** Figures of a run that left the AMQP section out. */
  static AmqpFigures skipped() {
    return new AmqpFigures("the section was not selected (--only)");
  }

  static AmqpFigures run(int events) throws Exception {
    if (!AmqpRuns.reachable()) {
      System.out.println("AMQP runs skipped: " + UNREACHABLE);
      return new AmqpFigures(UNREACHABLE);
    }
    AmqpFigures figures = new AmqpFigures(null);
    try (AmqpRuns runs = AmqpRuns.connect()) {
      // A warm-up of each side, not reported: JIT, connections, the broker's queue processes.
      int warmUp = Math.min(events, 5_000);
      runs.publishSdk(warmUp);
      runs.publishRaw(warmUp);
      runs.publishSpring(warmUp);
      runs.consumeSdk(warmUp);
      runs.consumeRaw(warmUp);
      runs.consumeSpring(warmUp);
      figures.pairs(
          "publish",
          "amqp-client",
          PUBLISH_PAIRS,
          () -> runs.publishSdk(events),
          () -> runs.publishRaw(events));
      figures.pairs(
          "publish",
          "Spring RabbitTemplate",
          PUBLISH_PAIRS,
          () -> runs.publishSdk(events),
          () -> runs.publishSpring(events));
      figures.pairs(
          "consume",
          "amqp-client",
          CONSUME_PAIRS,
          () -> runs.consumeSdk(events),
          () -> runs.consumeRaw(events));
      figures.pairs(
          "consume",
          "Spring listener container",
          CONSUME_PAIRS,
          () -> runs.consumeSdk(events),
          () -> runs.consumeSpring(events));
    }
    return figures;
  }

  /** Runs {@code count} pairs, alternating which side goes first. */
  private void pairs(
      String what, String peerName, int count, BenchmarkMain.Run sdk, BenchmarkMain.Run peer)
      throws Exception {
    for (int pair = 0; pair < count; pair++) {
      boolean sdkFirst = pair % 2 == 0;
      double peerRate = sdkFirst ? 0 : BenchmarkMain.settled(peer);
      double sdkRate = BenchmarkMain.settled(sdk);
      if (sdkFirst) {
        peerRate = BenchmarkMain.settled(peer);
      }
      rows.add(new Pair(what, peerName, sdkRate, peerRate));
      System.out.printf(
          Locale.ROOT,
          "amqp %s pair %d: sdk %.0f/s %s %.0f/s%n",
          what,
          pair + 1,
          sdkRate,
          peerName,
          peerRate);
    }
  }

  boolean measured() {
    return notMeasured == null;
  }

  /** Why the section measured nothing; only when {@link #measured()} is false. */
  String notMeasured() {
    return notMeasured;
  }

  /** The median of the SDK's rate over the peer's, over the pairs of one comparison. */
  private double ratio(String what, String peerName) {
    return BenchmarkMain.median(
        rows.stream()
            .filter(r -> r.what().equals(what) && r.peer().equals(peerName))
            .mapToDouble(r -> r.sdk() / r.peerRate())
            .sorted()
            .toArray());
  }

  void appendTo(StringBuilder table) {
    int number = 0;
    Pair previous = null;
    for (Pair row : rows) {
      boolean sameComparison =
          previous != null
              && previous.what().equals(row.what())
              && previous.peer().equals(row.peer());
      number = sameComparison ? number + 1 : 1;
      previous = row;
      table.append(
          String.format(
              Locale.ROOT,
              "| amqp %s %d, messages/s | %.0f | %s %.0f | %.3f |%n",
              row.what(),
              number,
              row.sdk(),
              row.peer(),
              row.peerRate(),
              row.sdk() / row.peerRate()));
    }
  }

  /** The four ratios of the machine-readable line, or {@code n/a} for each when not measured. */
  String ratios() {
    if (!measured()) {
      return "amqp_publish_vs_raw=n/a amqp_publish_vs_spring=n/a amqp_consume_vs_raw=n/a"
          + " amqp_consume_vs_spring=n/a";
    }
    return String.format(
        Locale.ROOT,
        "amqp_publish_vs_raw=%.3f amqp_publish_vs_spring=%.3f amqp_consume_vs_raw=%.3f"
            + " amqp_consume_vs_spring=%.3f",
        ratio("publish", "amqp-client"),
        ratio("publish", "Spring RabbitTemplate"),
        ratio("consume", "amqp-client"),
        ratio("consume", "Spring listener container"));
  }
}
