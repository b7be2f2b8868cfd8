package dev.domainevents.benchmarks;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs {@link DispatchBenchmark} with JMH and its GC profiler; returns ns/op per way of
 * dispatching, and bytes allocated per op under the way's name plus {@code .bytes}.
 */
final class DispatchRun {
  /** The forked benchmark JVM's flags; docs/PERFORMANCE.md quotes them. */
  static final String[] JVM_FLAGS = {"-Xms1g", "-Xmx1g", "-XX:+UseG1GC"};

  private DispatchRun() {}

  static Map<String, Double> run(boolean quick) throws RunnerException {
    return run(DispatchBenchmark.class, quick);
  }

  /** Runs the JMH benchmarks of {@code benchmarks} alone, like {@link #run(boolean)}. */
  static Map<String, Double> run(Class<?> benchmarks, boolean quick) throws RunnerException {
    Options options =
        new OptionsBuilder()
            .include(benchmarks.getName() + ".")
            .forks(quick ? 1 : 3)
            // Explicit, so the fork does not inherit the parent's flags (e.g. a profiler's).
            .jvmArgs(JVM_FLAGS)
            .warmupIterations(quick ? 2 : 5)
            .warmupTime(TimeValue.seconds(1))
            .measurementIterations(quick ? 3 : 10)
            .measurementTime(TimeValue.seconds(1))
            .timeUnit(TimeUnit.NANOSECONDS)
            .addProfiler(GCProfiler.class)
            .shouldFailOnError(true)
            .build();
    Collection<RunResult> results = new Runner(options).run();
    Map<String, Double> nanos = new LinkedHashMap<>();
    for (RunResult result : results) {
      String benchmark = result.getParams().getBenchmark();
      String label = benchmark.substring(benchmark.lastIndexOf('.') + 1);
      nanos.put(label, result.getPrimaryResult().getScore());
      result
          .getSecondaryResults()
          .forEach(
              (name, secondary) -> {
                // "gc.alloc.rate.norm": bytes per op (JMH before 1.36 prefixed a middle dot).
                if (name.endsWith("gc.alloc.rate.norm")) {
                  nanos.put(label + ".bytes", secondary.getScore());
                }
              });
    }
    return nanos;
  }
}
