package dev.reactserver.state.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs every benchmark (or those matching the first argument), measures the memory per state, and
 * writes the figures and each target's ratio to {@code benchmark-results.md} and standard output.
 */
public final class BenchmarkSuite {

  private BenchmarkSuite() {}

  /** Takes JMH's command line ({@code -h} lists it); without a benchmark pattern, runs them all. */
  public static void main(String[] args) throws RunnerException, IOException, CommandLineOptionException {
    CommandLineOptions command = new CommandLineOptions(args);
    OptionsBuilder options = new OptionsBuilder();
    options.parent(command);
    if (command.getIncludes().isEmpty()) {
      options.include(BenchmarkSuite.class.getPackageName() + ".*Benchmark");
    }
    Collection<RunResult> results = new Runner(options.build()).run();
    Map<String, Result<?>> scores = new LinkedHashMap<>();
    for (RunResult result : results) {
      String name = result.getParams().getBenchmark();
      String method = name.substring(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1);
      String states = result.getParams().getParam("states");
      scores.put(states == null ? method : method + "@" + states, result.getPrimaryResult());
    }
    double bytesPerState = MemoryFootprint.bytesPerState();
    String report = new ResultTable(scores, bytesPerState).markdown(String.join(" ", args));
    Path file = Path.of("benchmark-results.md");
    Files.writeString(file, report);
    System.out.println(report);
    System.out.println("written to " + file.toAbsolutePath());
  }

  /** Formats the figures and the target ratios. */
  static final class ResultTable {
    private final Map<String, Result<?>> scores;
    private final double bytesPerState;
    private final StringBuilder out = new StringBuilder();

    ResultTable(Map<String, Result<?>> scores, double bytesPerState) {
      this.scores = scores;
      this.bytesPerState = bytesPerState;
    }

    String markdown(String arguments) {
      line("- Machine: " + Runtime.getRuntime().availableProcessors() + " cores, "
          + System.getProperty("os.name") + " " + System.getProperty("os.arch") + ", " + cpu());
      line("- JDK: " + System.getProperty("java.vm.name") + " " + Runtime.version());
      line("- Command: `java -jar benchmarks/target/benchmarks.jar" + (arguments.isEmpty() ? "" : " " + arguments) + "`");
      line("");
      line("| workload | ours | baseline | ratio | target | met |");
      line("|---|---|---|---|---|---|");
      lowerIsBetter("bound `getX()`", "AccessorBenchmark.getBound", "AccessorBenchmark.getAtomicReference",
          "`AtomicReference.get()` (limit)", 2.0);
      higherIsBetterSpeedup("bound `getX()`", "AccessorBenchmark.getBound", "AccessorBenchmark.getSeedMap",
          "seed `map.get(scope + \":\" + key)`", 10.0);
      lowerIsBetter("bound `setX(v)`", "AccessorBenchmark.setBound", "AccessorBenchmark.setAtomicReference",
          "`AtomicReference.set` (limit)", 2.0);
      higherIsBetterSpeedup("bound `setX(v)`", "AccessorBenchmark.setBound", "AccessorBenchmark.setSeedMap",
          "seed `map.put(scope + \":\" + key, v)`", 5.0);
      throughput("`incrementX(1)` on an `int`, 1 thread", "AtomicBenchmark.incrementBound1Thread",
          "AtomicBenchmark.incrementAtomicLong1Thread", "`AtomicLong.incrementAndGet()`", 0.5);
      throughput("`incrementX(1)` on an `int`, 2 threads", "AtomicBenchmark.incrementBound2Threads",
          "AtomicBenchmark.incrementAtomicLong2Threads", "`AtomicLong.incrementAndGet()`", 0.5);
      throughput("`incrementX(1)` on a `long`, 1 thread", "AtomicBenchmark.incrementBoundLong1Thread",
          "AtomicBenchmark.incrementAtomicLong1Thread", "`AtomicLong.incrementAndGet()`", 0.5);
      throughput("`incrementX(1)` on a `long`, 2 threads", "AtomicBenchmark.incrementBoundLong2Threads",
          "AtomicBenchmark.incrementAtomicLong2Threads", "`AtomicLong.incrementAndGet()`", 0.5);
      throughput("`updateX(fn)`, 2 threads", "AtomicBenchmark.updateBound2Threads",
          "AtomicBenchmark.updateAtomicReference2Threads", "`AtomicReference.updateAndGet`", 0.7);
      lowerIsBetter("`bind` 4 states, context reused", "BindBenchmark.bindBound", "BindBenchmark.bindSeedMap",
          "seed 4 × `computeIfAbsent`", 1.0);
      lowerIsBetter("`bind` 4 states, fresh context", "BindBenchmark.bindFreshContext",
          "BindBenchmark.bindSeedMap", "seed 4 × `computeIfAbsent`", 1.0);
      lowerIsBetter("`bind` at 10⁷ states", "StoreSizeBenchmark.bind@10000000", "StoreSizeBenchmark.bind@1000",
          "the same at 10³ states", 1.5);
      lowerIsBetter("`bind` at 10⁶ states", "StoreSizeBenchmark.bind@1000000", "StoreSizeBenchmark.bind@1000",
          "the same at 10³ states", 1.5);
      lowerIsBetter("`getX()` at 10⁷ states", "StoreSizeBenchmark.get@10000000", "StoreSizeBenchmark.get@1000",
          "the same at 10³ states", 1.5);
      lowerIsBetter("`getX()` at 10⁶ states", "StoreSizeBenchmark.get@1000000", "StoreSizeBenchmark.get@1000",
          "the same at 10³ states", 1.5);
      lowerIsBetter("plain `AtomicReference.get()` among 10⁷", "StoreSizeBenchmark.getRawReference@10000000",
          "StoreSizeBenchmark.getRawReference@1000", "the same among 10³ (memory's own cost)", Double.NaN);
      lowerIsBetter("plain `AtomicReference.get()` among 10⁶", "StoreSizeBenchmark.getRawReference@1000000",
          "StoreSizeBenchmark.getRawReference@1000", "the same among 10³ (memory's own cost)", Double.NaN);
      lowerIsBetter("plain 88-byte objects (a state's footprint) among 10⁷",
          "StoreSizeBenchmark.getPaddedReference@10000000", "StoreSizeBenchmark.getPaddedReference@1000",
          "the same among 10³", Double.NaN);
      lowerIsBetter("plain 88-byte objects (a state's footprint) among 10⁶",
          "StoreSizeBenchmark.getPaddedReference@1000000", "StoreSizeBenchmark.getPaddedReference@1000",
          "the same among 10³", Double.NaN);
      for (String store : new String[] {"Redis", "Postgres"}) {
        String bench = store + "StoreBenchmark.";
        String raw = store.equals("Redis") ? "Lettuce " : "pgjdbc + HikariCP ";
        higherIsBetterSpeedup(store + " store `getX()`", bench + "getThroughStore", bench + "getRaw",
            raw + (store.equals("Redis") ? "`HGET`" : "`SELECT value`"), 0.8);
        higherIsBetterSpeedup(store + " store `setX(v)`", bench + "setThroughStore", bench + "setRaw",
            raw + (store.equals("Redis") ? "`HSET`" : "`UPDATE … SET value = ?`"), 0.8);
        higherIsBetterSpeedup(store + " store `incrementX(1)`", bench + "incrementThroughStore",
            bench + "incrementRaw", raw + (store.equals("Redis") ? "`HINCRBY`" : "`UPDATE … SET value = value + 1`"),
            0.8);
        lowerIsBetter(store + " store `bind` 4 states (one round trip)", bench + "bindThroughStore",
            bench + "getRaw", "one raw read", Double.NaN);
      }
      line(String.format(Locale.ROOT, "| memory per client-scoped state, 10⁶ states | %.1f bytes | value size"
          + " excluded | | ≤ 96 bytes | %s |", bytesPerState, bytesPerState <= 96 ? "yes" : "**no**"));
      lowerIsBetter("compile 500 components × 4 `@State`", "CompileBenchmark.compileStateProcessor",
          "CompileBenchmark.compileAutoValue", "500 `@AutoValue` classes × 4 properties", 1.0);
      lowerIsBetter("compile 500 components × 4 `@State`", "CompileBenchmark.compileStateProcessor",
          "CompileBenchmark.compilePlainJavac", "plain javac, no processor", Double.NaN);
      lowerIsBetter("compile 500 `@AutoValue` classes", "CompileBenchmark.compileAutoValue",
          "CompileBenchmark.compilePlainJavac", "plain javac, no processor", Double.NaN);
      lowerIsBetter("compile the 500 components and their generated accessors without Javadoc, no processor",
          "CompileBenchmark.compileGeneratedAccessorsWithoutProcessor", "CompileBenchmark.compileAutoValue",
          "500 `@AutoValue` classes × 4 properties", Double.NaN);
      line("");
      line("All figures:");
      line("");
      line("| benchmark | score | error (99.9%) | unit |");
      line("|---|---|---|---|");
      scores.forEach((name, result) -> line(String.format(Locale.ROOT, "| %s | %.3f | ± %.3f | %s |",
          name, result.getScore(), result.getScoreError(), result.getScoreUnit())));
      return out.toString();
    }

    /** Ours over baseline, both times per operation: lower is better. */
    private void lowerIsBetter(String workload, String ours, String baseline, String baselineName, double target) {
      row(workload, ours, baseline, baselineName, ratio(ours, baseline), "≤ ", target, true);
    }

    /** Baseline over ours, both times per operation: how many times faster we are. */
    private void higherIsBetterSpeedup(String workload, String ours, String baseline, String baselineName,
        double target) {
      row(workload, ours, baseline, baselineName, ratio(baseline, ours), "≥ ", target, false);
    }

    /** Ours over baseline, both operations per time: higher is better. */
    private void throughput(String workload, String ours, String baseline, String baselineName, double target) {
      row(workload, ours, baseline, baselineName, ratio(ours, baseline), "≥ ", target, false);
    }

    private void row(String workload, String ours, String baseline, String baselineName, double ratio,
        String relation, double target, boolean atMost) {
      if (!scores.containsKey(ours) || !scores.containsKey(baseline)) {
        return;
      }
      String met = Double.isNaN(target) ? "" : (atMost ? ratio <= target : ratio >= target) ? "yes" : "**no**";
      line(String.format(Locale.ROOT, "| %s | %s | %s: %s | %.2f× | %s | %s |", workload, figure(ours),
          baselineName, figure(baseline), ratio, Double.isNaN(target) ? "report" : relation + target + "×", met));
    }

    private String figure(String name) {
      Result<?> result = scores.get(name);
      return String.format(Locale.ROOT, "%.2f ± %.2f %s", result.getScore(), result.getScoreError(),
          result.getScoreUnit());
    }

    private double ratio(String numerator, String denominator) {
      if (!scores.containsKey(numerator) || !scores.containsKey(denominator)) {
        return Double.NaN;
      }
      return scores.get(numerator).getScore() / scores.get(denominator).getScore();
    }

    private void line(String text) {
      out.append(text).append('\n');
    }

    private static String cpu() {
      try {
        return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
            .filter(line -> line.startsWith("model name"))
            .map(line -> line.substring(line.indexOf(':') + 1).trim())
            .findFirst().orElse("unknown CPU");
      } catch (IOException | RuntimeException e) {
        return "unknown CPU";
      }
    }
  }
}
