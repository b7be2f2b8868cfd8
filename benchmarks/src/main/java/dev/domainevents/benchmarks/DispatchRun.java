package dev.domainevents.benchmarks;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/** Runs {@link DispatchBenchmark} with JMH and returns ns/op per way of dispatching. */
final class DispatchRun {
  /** The forked benchmark JVM's flags; docs/PERFORMANCE.md quotes them. */
  static final String[] JVM_FLAGS = {"-Xms1g", "-Xmx1g", "-XX:+UseG1GC"};

  private DispatchRun() {}

  static Map<String, Double> run(boolean quick) throws RunnerException {
    Options options =
        new OptionsBuilder()
            .include(DispatchBenchmark.class.getName() + ".")
            .forks(quick ? 1 : 3)
            // Explicit, so the fork does not inherit the parent's flags (e.g. a profiler's).
            .jvmArgs(JVM_FLAGS)
            .warmupIterations(quick ? 2 : 5)
            .warmupTime(TimeValue.seconds(1))
            .measurementIterations(quick ? 3 : 10)
            .measurementTime(TimeValue.seconds(1))
            .timeUnit(TimeUnit.NANOSECONDS)
            .shouldFailOnError(true)
            .build();
    Collection<RunResult> results = new Runner(options).run();
    Map<String, Double> nanos = new LinkedHashMap<>();
    for (RunResult result : results) {
      String label = result.getParams().getBenchmark();
      label = label.substring(label.lastIndexOf('.') + 1);
      nanos.put(label, result.getPrimaryResult().getScore());
    }
    return nanos;
  }
}
