package dev.reactserver.state.benchmarks;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;
import org.openjdk.jmh.runner.IterationType;

/**
 * A JMH profiler that reports the CPU time each operation cost the benchmark's JVM (client) and the
 * server it talks to (the server process and every process it started, such as PostgreSQL's backends),
 * so that a ratio that looks good because both sides wait shows: {@code -prof
 * dev.reactserver.state.benchmarks.CpuPerOperation}. The server is the one a {@link StoreBenchmark}
 * started; times come from {@code /proc} through {@link ProcessHandle.Info#totalCpuDuration()}, in clock
 * ticks (10 ms), so an iteration should run for seconds.
 */
public final class CpuPerOperation implements InternalProfiler {

  /** The names of the two figures. */
  static final String CLIENT = "·cpu.client";
  static final String SERVER = "·cpu.server";

  private static volatile Supplier<ProcessHandle> server = () -> null;
  /** The server's times when it was last about to stop: a trial's tear-down runs before the profiler's end. */
  private static volatile Map<Long, Duration> serverAtStop;

  private Duration clientAtStart;
  private Map<Long, Duration> serverAtStart;

  /** Names the server process whose CPU time this profiler reads, from now on. */
  static void watch(ProcessHandle process) {
    server = () -> process;
    serverAtStop = null;
  }

  /** Reads the server's times before it stops, for the iteration that is ending. */
  static void stopping() {
    serverAtStop = serverCpu();
    server = () -> null;
  }

  @Override
  public String getDescription() {
    return "CPU time per operation of this JVM and of the server process with its children";
  }

  @Override
  public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
    clientAtStart = cpu(ProcessHandle.current());
    serverAtStart = serverCpu();
  }

  @Override
  public Collection<? extends Result> afterIteration(BenchmarkParams benchmarkParams,
      IterationParams iterationParams, IterationResult result) {
    long operations = result.getMetadata().getAllOps();
    if (iterationParams.getType() != IterationType.MEASUREMENT || operations == 0 || serverAtStart.isEmpty()) {
      return List.of(); // the first warm-up iteration starts before the server does
    }
    double client = micros(cpu(ProcessHandle.current()).minus(clientAtStart)) / operations;
    Duration spent = Duration.ZERO;
    Map<Long, Duration> serverAtEnd = serverAtStop != null ? serverAtStop : serverCpu();
    serverAtStop = null;
    for (Map.Entry<Long, Duration> process : serverAtEnd.entrySet()) {
      // a process that ended during the iteration is not counted; one that started, in full
      spent = spent.plus(process.getValue().minus(serverAtStart.getOrDefault(process.getKey(), Duration.ZERO)));
    }
    return List.of(
        new ScalarResult(CLIENT, client, "µs/op", AggregationPolicy.AVG),
        new ScalarResult(SERVER, micros(spent) / operations, "µs/op", AggregationPolicy.AVG));
  }

  private static Map<Long, Duration> serverCpu() {
    ProcessHandle process = server.get();
    Map<Long, Duration> times = new HashMap<>();
    if (process != null) {
      times.put(process.pid(), cpu(process));
      process.descendants().forEach(child -> times.put(child.pid(), cpu(child)));
    }
    return times;
  }

  private static Duration cpu(ProcessHandle process) {
    return process.info().totalCpuDuration().orElse(Duration.ZERO);
  }

  private static double micros(Duration duration) {
    return duration.toNanos() / 1_000.0;
  }
}
