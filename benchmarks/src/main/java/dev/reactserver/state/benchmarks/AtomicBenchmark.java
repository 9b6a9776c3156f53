package dev.reactserver.state.benchmarks;

import dev.reactserver.state.runtime.InMemoryStore;
import dev.reactserver.state.runtime.StateContext;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Atomic read-modify-writes on one shared state, by one thread and by two at once, against the
 * {@code java.util.concurrent.atomic} classes doing the same.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class AtomicBenchmark {

  private BenchCartStates states;
  private AtomicLong atomicLong;
  private AtomicReference<Integer> reference;

  @Setup
  public void setUp() {
    StateContext ctx = StateContext.of(new InMemoryStore()).withClient("c-42").withUser("u-7");
    states = BenchCartStates.bind(ctx.forComponent("cart#1"), new BenchCart());
    atomicLong = new AtomicLong();
    reference = new AtomicReference<>(0);
  }

  /** An {@code int} state: the store keeps declared {@code int}s in a primitive word. */
  @Benchmark
  @Threads(1)
  public int incrementBound1Thread() {
    return states.incrementCount(1);
  }

  @Benchmark
  @Threads(1)
  public long incrementAtomicLong1Thread() {
    return atomicLong.incrementAndGet();
  }

  @Benchmark
  @Threads(2)
  public int incrementBound2Threads() {
    return states.incrementCount(1);
  }

  @Benchmark
  @Threads(2)
  public long incrementAtomicLong2Threads() {
    return atomicLong.incrementAndGet();
  }

  /** A {@code long} state: kept in a primitive word too while within 62 bits. */
  @Benchmark
  @Threads(1)
  public long incrementBoundLong1Thread() {
    return states.incrementVisits(1);
  }

  @Benchmark
  @Threads(2)
  public long incrementBoundLong2Threads() {
    return states.incrementVisits(1);
  }

  @Benchmark
  @Threads(2)
  public int updateBound2Threads() {
    return states.updateCount(n -> n + 1);
  }

  @Benchmark
  @Threads(2)
  public int updateAtomicReference2Threads() {
    return reference.updateAndGet(n -> n + 1);
  }
}
