package dev.domainevents.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * How busy the whole machine's processors were between {@link #start} and {@link #coresBusy}, from
 * Linux's {@code /proc/stat}: every process counts, the database and the broker included. It tells
 * whether a side of a run had processor time left to scale into.
 */
final class CpuMeter {
  private static final Path STAT = Path.of("/proc/stat");

  private final long busy;
  private final long total;
  private final int processors;

  private CpuMeter(long[] stat) {
    this.busy = stat[0];
    this.total = stat[1];
    this.processors = (int) stat[2];
  }

  /** Starts measuring now. */
  static CpuMeter start() {
    return new CpuMeter(read());
  }

  /**
   * The average number of processors busy since {@link #start}: 2.0 is both cores of a 2-core
   * machine all the time. {@code NaN} where {@code /proc/stat} cannot be read.
   */
  double coresBusy() {
    long[] now = read();
    long elapsed = now[1] - total;
    if (now[1] < 0 || total < 0 || elapsed <= 0) {
      return Double.NaN;
    }
    return (double) (now[0] - busy) / elapsed * processors;
  }

  /**
   * {busy, total, processors}: the jiffies of all processors, from the first line ({@code cpu user
   * nice system idle iowait irq softirq steal ...}; idle and iowait are not busy, guest time is
   * already in user), and the number of {@code cpuN} lines.
   */
  private static long[] read() {
    try {
      List<String> lines = Files.readAllLines(STAT);
      String[] fields = lines.get(0).trim().split("\\s+");
      if (!fields[0].equals("cpu") || fields.length < 9) {
        return new long[] {-1, -1, 0};
      }
      long processors = lines.stream().filter(line -> line.matches("cpu[0-9]+ .*")).count();
      long busy = 0;
      long total = 0;
      for (int i = 1; i <= 8; i++) {
        long value = Long.parseLong(fields[i]);
        total += value;
        if (i != 4 && i != 5) {
          busy += value;
        }
      }
      return new long[] {busy, total, processors};
    } catch (IOException | RuntimeException e) {
      return new long[] {-1, -1, 0};
    }
  }
}
