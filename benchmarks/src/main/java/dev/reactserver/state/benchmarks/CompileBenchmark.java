package dev.reactserver.state.benchmarks;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Compiling 500 components with 4 {@code @State} fields each through our processor, against the same 500
 * classes as {@code @AutoValue} classes with 4 properties, and against plain javac without processors
 * (see {@link CompileFixture}). Single-shot compiles in a young JVM vary widely; {@link CompileComparison}
 * compares the same compiles warm and interleaved.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class CompileBenchmark {

  private CompileFixture fixture;

  @Setup(Level.Trial)
  public void writeSources() throws IOException {
    fixture = new CompileFixture();
  }

  @TearDown(Level.Trial)
  public void deleteSources() throws IOException {
    fixture.close();
  }

  @Benchmark
  public boolean compileStateProcessor() throws IOException {
    return fixture.compileStateProcessor(null);
  }

  @Benchmark
  public boolean compileAutoValue() throws IOException {
    return fixture.compileAutoValue(null);
  }

  @Benchmark
  public boolean compilePlainJavac() throws IOException {
    return fixture.compilePlainJavac();
  }

  /**
   * The components with their generated accessors, Javadoc stripped, as plain sources: the least javac does
   * for the generated API, whatever writes it.
   */
  @Benchmark
  public boolean compileGeneratedAccessorsWithoutProcessor() throws IOException {
    return fixture.compileGeneratedAccessorsWithoutProcessor();
  }
}
