package dev.reactserver.state.benchmarks;

import com.sun.source.util.TaskEvent;
import com.sun.source.util.TaskListener;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The compile benchmarks again, in one warm JVM and interleaved (each round compiles every variant once),
 * reporting medians: single-shot JMH forks of javac vary by ±40% on a small machine, too much to tell how
 * our processor's cost splits. Also counts how often javac enters each compilation unit.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar dev.reactserver.state.benchmarks.CompileComparison}
 */
public final class CompileComparison {

  private static final int WARM_UP_ROUNDS = 3;
  private static final int MEASURED_ROUNDS = 5;

  private CompileComparison() {}

  public static void main(String[] args) throws IOException {
    try (CompileFixture fixture = new CompileFixture()) {
      Map<String, Compile> variants = new LinkedHashMap<>();
      variants.put("plain javac, components only", fixture::compilePlainJavac);
      variants.put("AutoValue (generate + compile)", () -> fixture.compileAutoValue(null));
      variants.put("components + our accessors as plain sources, no Javadoc",
          fixture::compileGeneratedAccessorsWithoutProcessor);
      variants.put("our exact accessors written by a processor that does nothing else",
          fixture::compileGeneratedAccessorsWrittenByAnIdleProcessor);
      variants.put("our processor (generate + compile)", () -> fixture.compileStateProcessor(null));
      for (int round = 0; round < WARM_UP_ROUNDS; round++) {
        for (Compile compile : variants.values()) {
          compile.run();
        }
      }
      Map<String, List<Long>> millis = new LinkedHashMap<>();
      for (int round = 0; round < MEASURED_ROUNDS; round++) {
        for (Map.Entry<String, Compile> variant : variants.entrySet()) {
          long start = System.nanoTime();
          variant.getValue().run();
          millis.computeIfAbsent(variant.getKey(), name -> new ArrayList<>())
              .add((System.nanoTime() - start) / 1_000_000);
        }
      }
      long autoValue = median(millis.get("AutoValue (generate + compile)"));
      System.out.println("| compile (500 classes) | median | vs AutoValue | all rounds (ms) |");
      System.out.println("|---|---|---|---|");
      millis.forEach((name, times) -> System.out.printf(Locale.ROOT, "| %s | %,d ms | %.2f× | %s |%n",
          name, median(times), (double) median(times) / autoValue, times));
      System.out.println();
      System.out.println("Times javac entered each compilation unit: ours "
          + enterCounts(fixture::compileStateProcessor) + ", AutoValue "
          + enterCounts(fixture::compileAutoValue));
    }
  }

  /** How many compilation units javac entered how many times, sources and generated files apart. */
  private static Map<String, Integer> enterCounts(ListenedCompile compile) throws IOException {
    Map<String, Integer> perFile = new TreeMap<>();
    compile.run(new TaskListener() {
      @Override
      public void finished(TaskEvent event) {
        if (event.getKind() == TaskEvent.Kind.ENTER && event.getSourceFile() != null) {
          perFile.merge(event.getSourceFile().getName(), 1, Integer::sum);
        }
      }
    });
    Map<String, Integer> histogram = new TreeMap<>();
    perFile.forEach((file, times) -> {
      boolean written = !file.matches(".*/(Component|Value)\\d+\\.java"); // by a processor
      histogram.merge((written ? "generated" : "source") + " files entered " + times + "×", 1, Integer::sum);
    });
    return histogram;
  }

  private static long median(List<Long> times) {
    return times.stream().sorted().toList().get(times.size() / 2);
  }

  @FunctionalInterface
  private interface Compile {
    boolean run() throws IOException;
  }

  @FunctionalInterface
  private interface ListenedCompile {
    boolean run(TaskListener listener) throws IOException;
  }
}
