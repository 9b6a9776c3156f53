package dev.reactserver.state.benchmarks;

import dev.reactserver.state.runtime.InMemoryStore;
import dev.reactserver.state.runtime.StateContext;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Reading and writing a bound client-scoped {@code int} state, against the physical limit (a field
 * holding an {@code AtomicReference<Integer>}) and the simplest design, a map keyed by strings (build
 * {@code scope + ":" + key} and look it up on every access).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class AccessorBenchmark {

  private BenchCartStates states;
  private AtomicReference<Integer> reference;
  private ConcurrentHashMap<String, Object> stringKeyedMap;
  // Not final, so that the map's key is built at run time as such a design does.
  private String scope = "$client(c-42)";
  private String key = "count";
  private int next;

  @Setup
  public void setUp() {
    StateContext ctx = StateContext.of(new InMemoryStore()).withClient("c-42").withUser("u-7");
    states = BenchCartStates.bind(ctx.forComponent("cart#1"), new BenchCart());
    reference = new AtomicReference<>(0);
    stringKeyedMap = new ConcurrentHashMap<>();
    stringKeyedMap.put(scope + ":" + key, 0);
  }

  private int nextValue() {
    next = (next + 1) & 1023; // the same values, boxed the same way, for all three
    return next;
  }

  @Benchmark
  public int getBound() {
    return states.getCount();
  }

  @Benchmark
  public int getAtomicReference() {
    return reference.get();
  }

  @Benchmark
  public int getStringKeyedMap() {
    return (Integer) stringKeyedMap.get(scope + ":" + key);
  }

  @Benchmark
  public void setBound() {
    states.setCount(nextValue());
  }

  @Benchmark
  public void setAtomicReference() {
    reference.set(nextValue());
  }

  @Benchmark
  public void setStringKeyedMap() {
    stringKeyedMap.put(scope + ":" + key, nextValue());
  }
}
