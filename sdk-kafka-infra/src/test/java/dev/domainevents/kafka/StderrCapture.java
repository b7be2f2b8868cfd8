package dev.domainevents.kafka;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Captures what the test logging (logback, to standard error) writes while open. */
final class StderrCapture implements AutoCloseable {
  private final PrintStream original = System.err;
  private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

  StderrCapture() {
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
  }

  /** The first line containing {@code marker}; fails the test if there is none. */
  String line(String marker) {
    return text()
        .lines()
        .filter(l -> l.contains(marker))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no log line contains \"" + marker + "\""));
  }

  /** How many lines contain {@code marker}. */
  long count(String marker) {
    return text().lines().filter(l -> l.contains(marker)).count();
  }

  private String text() {
    return captured.toString(StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    System.setErr(original);
    original.print(captured.toString(StandardCharsets.UTF_8));
  }
}
