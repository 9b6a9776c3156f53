package dev.reactserver.state.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
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
    if (command.getProfilers().stream().noneMatch(profiler -> profiler.getKlass().equals(CpuPerOperation.class.getName()))) {
      options.addProfiler(CpuPerOperation.class); // the server stores' rows report CPU per operation
    }
    Collection<RunResult> results = new Runner(options.build()).run();
    Map<String, Result<?>> scores = new LinkedHashMap<>();
    Map<String, double[]> cpu = new LinkedHashMap<>();
    for (RunResult result : results) {
      String name = result.getParams().getBenchmark();
      String method = name.substring(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1);
      String param = result.getParams().getParam("states");
      if (param == null) {
        param = result.getParams().getParam("settings");
      }
      String key = param == null ? method : method + "@" + param;
      scores.put(key, result.getPrimaryResult());
      Result<?> client = result.getSecondaryResults().get(CpuPerOperation.CLIENT);
      Result<?> server = result.getSecondaryResults().get(CpuPerOperation.SERVER);
      if (client != null && server != null) {
        cpu.put(key, new double[] {client.getScore(), server.getScore()});
      }
    }
    double bytesPerState = MemoryFootprint.bytesPerState();
    String report = new ResultTable(scores, cpu, bytesPerState).markdown(String.join(" ", args));
    Path file = Path.of("benchmark-results.md");
    Files.writeString(file, report);
    System.out.println(report);
    System.out.println("written to " + file.toAbsolutePath());
  }

  /** Formats the figures and the target ratios. */
  static final class ResultTable {
    private final Map<String, Result<?>> scores;
    private final Map<String, double[]> cpu;
    private final double bytesPerState;
    private final StringBuilder out = new StringBuilder();
    /** The pairs of {@link #serverStoreRows}, for the table of CPU per operation. */
    private final List<String[]> cpuPairs = new ArrayList<>();

    ResultTable(Map<String, Result<?>> scores, Map<String, double[]> cpu, double bytesPerState) {
      this.scores = scores;
      this.cpu = cpu;
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
      time("bound `getX()`", "AccessorBenchmark.getBound", "AccessorBenchmark.getAtomicReference",
          "`AtomicReference.get()` (limit)", 0.5);
      time("bound `getX()`", "AccessorBenchmark.getBound", "AccessorBenchmark.getStringKeyedMap",
          "a map keyed by `scope + \":\" + key`: `get`", 10.0);
      time("bound `setX(v)`", "AccessorBenchmark.setBound", "AccessorBenchmark.setAtomicReference",
          "`AtomicReference.set` (limit)", 0.5);
      time("bound `setX(v)`", "AccessorBenchmark.setBound", "AccessorBenchmark.setStringKeyedMap",
          "a map keyed by `scope + \":\" + key`: `put`", 5.0);
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
      time("`bind` 4 states, context reused", "BindBenchmark.bindBound", "BindBenchmark.bindStringKeyedMap",
          "4 × `computeIfAbsent(scope + \":\" + key)`", 1.0);
      time("`bind` 4 states, fresh context", "BindBenchmark.bindFreshContext",
          "BindBenchmark.bindStringKeyedMap", "4 × `computeIfAbsent(scope + \":\" + key)`", 1.0);
      time("`bind` at 10⁷ states", "StoreSizeBenchmark.bind@10000000", "StoreSizeBenchmark.bind@1000",
          "the same at 10³ states", 0.67);
      time("`bind` at 10⁶ states", "StoreSizeBenchmark.bind@1000000", "StoreSizeBenchmark.bind@1000",
          "the same at 10³ states", 0.67);
      time("`getX()` at 10⁷ states", "StoreSizeBenchmark.get@10000000", "StoreSizeBenchmark.get@1000",
          "the same at 10³ states", 0.67);
      time("`getX()` at 10⁶ states", "StoreSizeBenchmark.get@1000000", "StoreSizeBenchmark.get@1000",
          "the same at 10³ states", 0.67);
      time("plain `AtomicReference.get()` among 10⁷", "StoreSizeBenchmark.getRawReference@10000000",
          "StoreSizeBenchmark.getRawReference@1000", "the same among 10³ (memory's own cost)", Double.NaN);
      time("plain `AtomicReference.get()` among 10⁶", "StoreSizeBenchmark.getRawReference@1000000",
          "StoreSizeBenchmark.getRawReference@1000", "the same among 10³ (memory's own cost)", Double.NaN);
      time("plain 88-byte objects (a state's footprint) among 10⁷",
          "StoreSizeBenchmark.getPaddedReference@10000000", "StoreSizeBenchmark.getPaddedReference@1000",
          "the same among 10³", Double.NaN);
      time("plain 88-byte objects (a state's footprint) among 10⁶",
          "StoreSizeBenchmark.getPaddedReference@1000000", "StoreSizeBenchmark.getPaddedReference@1000",
          "the same among 10³", Double.NaN);
      serverStoreRows();
      line(String.format(Locale.ROOT, "| memory per client-scoped state, 10⁶ states | %.1f bytes | value size"
          + " excluded | | ≤ 96 bytes | %s |", bytesPerState, bytesPerState <= 96 ? "yes" : "**no**"));
      time("compile 500 components × 4 `@State`", "CompileBenchmark.compileStateProcessor",
          "CompileBenchmark.compileAutoValue", "500 `@AutoValue` classes × 4 properties", 1.0);
      time("compile 500 components × 4 `@State`", "CompileBenchmark.compileStateProcessor",
          "CompileBenchmark.compilePlainJavac", "plain javac, no processor", Double.NaN);
      time("compile 500 `@AutoValue` classes", "CompileBenchmark.compileAutoValue",
          "CompileBenchmark.compilePlainJavac", "plain javac, no processor", Double.NaN);
      time("compile the 500 components and their generated accessors without Javadoc, no processor",
          "CompileBenchmark.compileGeneratedAccessorsWithoutProcessor", "CompileBenchmark.compileAutoValue",
          "500 `@AutoValue` classes × 4 properties", Double.NaN);
      cpuRows();
      line("");
      line("All figures:");
      line("");
      line("| benchmark | score | error (99.9%) | unit |");
      line("|---|---|---|---|");
      scores.forEach((name, result) -> line(String.format(Locale.ROOT, "| %s | %.3f | ± %.3f | %s |",
          name, result.getScore(), result.getScoreError(), result.getScoreUnit())));
      return out.toString();
    }

    /**
     * The Redis and PostgreSQL stores against their raw clients, 1 and 16 threads (throughputs);
     * PostgreSQL with its data on the disk ({@code deployed}) and in memory ({@code fastCommit}).
     */
    private void serverStoreRows() {
      String redis = "RedisStoreBenchmark.";
      String lettuce = "Lettuce ";
      for (String threads : new String[] {"", "16Threads"}) {
        String suffix = threads.isEmpty() ? ", 1 thread" : ", 16 threads";
        store("Redis store `getX()`" + suffix, redis + "getThroughStore" + threads, redis + "getRaw" + threads,
            lettuce + "`HGET`", 0.8);
        store("Redis store `setX(v)`" + suffix, redis + "setThroughStore" + threads,
            redis + "setAndPublishRaw" + threads, lettuce + "`HSET` + `PUBLISH` of the change", 0.9);
        store("Redis store `setX(v)`" + suffix, redis + "setThroughStore" + threads, redis + "setRaw" + threads,
            lettuce + "`HSET` alone", Double.NaN);
        store("Redis store `incrementX(1)`" + suffix, redis + "incrementThroughStore" + threads,
            redis + "incrementAndPublishRaw" + threads, lettuce + "`HINCRBY` + `PUBLISH` of the change", 0.9);
        store("Redis store `incrementX(1)`" + suffix, redis + "incrementThroughStore" + threads,
            redis + "incrementRaw" + threads, lettuce + "`HINCRBY` alone", Double.NaN);
        store("Redis store `bind` 4 states" + suffix, redis + "bindThroughStore" + threads,
            redis + "bindRaw" + threads, lettuce + "4 × `HGET`, pipelined", Double.NaN);
      }
      store("Redis store `getX()`, 16 threads, one shared state", redis + "getSharedThroughStore16Threads",
          redis + "getSharedRaw16Threads", "Lettuce `HGET`", 0.8);
      store("Redis store `setX(v)`, 16 threads, one shared state", redis + "setSharedThroughStore16Threads",
          redis + "setSharedAndPublishRaw16Threads", "Lettuce `HSET` + `PUBLISH`", 0.9);
      store("Redis store `incrementX(1)`, 16 threads, one shared state",
          redis + "incrementSharedThroughStore16Threads", redis + "incrementSharedAndPublishRaw16Threads",
          "Lettuce `HINCRBY` + `PUBLISH`", 0.9);
      for (String settings : new String[] {"deployed", "fastCommit"}) {
        String postgres = "PostgresStoreBenchmark.";
        String pgjdbc = "pgjdbc + HikariCP ";
        String on = "@" + settings;
        String where = settings.equals("deployed") ? ", data on disk" : ", fast commit";
        for (String threads : new String[] {"", "16Threads"}) {
          String suffix = (threads.isEmpty() ? ", 1 thread" : ", 16 threads") + where;
          double writes = threads.isEmpty() ? 0.8 : 0.9;
          store("PostgreSQL store `getX()`" + suffix, postgres + "getThroughStore" + threads + on,
              postgres + "getRaw" + threads + on, pgjdbc + "`SELECT v`", 0.9);
          store("PostgreSQL store `setX(v)`" + suffix, postgres + "setThroughStore" + threads + on,
              postgres + "setRaw" + threads + on, pgjdbc + "`UPDATE … SET v = ?`", writes);
          store("PostgreSQL store `incrementX(1)`" + suffix, postgres + "incrementThroughStore" + threads + on,
              postgres + "incrementRaw" + threads + on, pgjdbc + "`UPDATE … SET v = v + 1`", writes);
          store("PostgreSQL store `bind` 4 states" + suffix, postgres + "bindThroughStore" + threads + on,
              postgres + "bindRaw" + threads + on, pgjdbc + "`SELECT` of the 4 rows", Double.NaN);
        }
        store("PostgreSQL store `getX()`, 16 threads, one shared state" + where,
            postgres + "getSharedThroughStore16Threads" + on, postgres + "getSharedRaw16Threads" + on,
            pgjdbc + "`SELECT v`", 0.9);
        store("PostgreSQL store `setX(v)`, 16 threads, one shared state" + where,
            postgres + "setSharedThroughStore16Threads" + on, postgres + "setSharedRaw16Threads" + on,
            pgjdbc + "`UPDATE … SET v = ?`", 0.9);
        store("PostgreSQL store `incrementX(1)`, 16 threads, one shared state" + where,
            postgres + "incrementSharedThroughStore16Threads" + on, postgres + "incrementSharedRaw16Threads" + on,
            pgjdbc + "`UPDATE … SET v = v + 1`", 0.9);
      }
    }

    /** A row of a server store against its raw client, kept for the table of CPU per operation too. */
    private void store(String workload, String ours, String baseline, String baselineName, double target) {
      throughput(workload, ours, baseline, baselineName, target);
      cpuPairs.add(new String[] {workload, ours, baseline, baselineName});
    }

    /** CPU per operation of the benchmark's JVM and of the server, ours against the raw client's. */
    private void cpuRows() {
      List<String[]> measured = cpuPairs.stream()
          .filter(pair -> cpu.containsKey(pair[1]) && cpu.containsKey(pair[2])).toList();
      if (measured.isEmpty()) {
        return;
      }
      line("");
      line("CPU per operation (µs, from `/proc`: the benchmark's JVM, and the server with its processes):");
      line("");
      line("| workload | baseline | client: ours / baseline | server: ours / baseline | server ratio |");
      line("|---|---|---|---|---|");
      for (String[] pair : measured) {
        double[] our = cpu.get(pair[1]);
        double[] base = cpu.get(pair[2]);
        line(String.format(Locale.ROOT, "| %s | %s | %.1f / %.1f | %.1f / %.1f | %.2f× |", pair[0], pair[3],
            our[0], base[0], our[1], base[1], our[1] / base[1]));
      }
    }

    /**
     * A row of two times per operation: the ratio is the baseline's time over ours, how many times as
     * fast as the baseline we are (above 1: faster).
     */
    private void time(String workload, String ours, String baseline, String baselineName, double target) {
      row(workload, ours, baseline, baselineName, target, true);
    }

    /** A row of two throughputs: the ratio is ours over the baseline's (above 1: faster), as for times. */
    private void throughput(String workload, String ours, String baseline, String baselineName, double target) {
      row(workload, ours, baseline, baselineName, target, false);
    }

    /**
     * A target is met only if it holds at the edge of both error bars, and missed only if it fails at
     * the other edge; in between the run cannot tell ("within noise").
     */
    private void row(String workload, String ours, String baseline, String baselineName, double target,
        boolean timePerOperation) {
      if (!scores.containsKey(ours) || !scores.containsKey(baseline)) {
        return;
      }
      Result<?> our = scores.get(ours);
      Result<?> base = scores.get(baseline);
      Result<?> faster = timePerOperation ? base : our;
      Result<?> slower = timePerOperation ? our : base;
      double ratio = faster.getScore() / slower.getScore();
      double worst = (faster.getScore() - faster.getScoreError()) / (slower.getScore() + slower.getScoreError());
      double best = slower.getScore() > slower.getScoreError()
          ? (faster.getScore() + faster.getScoreError()) / (slower.getScore() - slower.getScoreError())
          : Double.POSITIVE_INFINITY;
      String met = Double.isNaN(target) ? "" : worst >= target ? "yes" : best < target ? "**no**" : "within noise";
      line(String.format(Locale.ROOT, "| %s | %s | %s: %s | %.2f× | %s | %s |", workload, figure(ours),
          baselineName, figure(baseline), ratio, Double.isNaN(target) ? "report" : "≥ " + target + "×", met));
    }

    private String figure(String name) {
      Result<?> result = scores.get(name);
      return String.format(Locale.ROOT, "%.2f ± %.2f %s", result.getScore(), result.getScoreError(),
          result.getScoreUnit());
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
