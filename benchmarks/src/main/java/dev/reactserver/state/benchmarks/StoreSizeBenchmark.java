package dev.reactserver.state.benchmarks;

import dev.reactserver.state.runtime.InMemoryStore;
import dev.reactserver.state.runtime.StateContext;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The same operations on stores of 10³, 10⁶ and 10⁷ states (four client states per client): binding a
 * client's component and reading a bound state cost the same whatever else the store holds.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms8g", "-Xmx8g"})
public class StoreSizeBenchmark {

  private static final int ACTIVE = 1024;

  @Param({"1000", "1000000", "10000000"})
  public int states;

  private StateContext[] active;
  private BenchSessionStates[] bound;
  /** The physical baseline: as many plain references, the same 1,024 of them read. */
  private AtomicReference<Integer>[] rawActive;
  /** The same, with each reference padded to the bytes a state takes in the store: memory at our footprint. */
  private PaddedReference[] paddedActive;
  private BenchSession component;
  private int next;

  @Setup(Level.Trial)
  public void fill() {
    InMemoryStore store = new InMemoryStore();
    StateContext server = StateContext.of(store);
    component = new BenchSession();
    int clients = states / 4;
    for (int i = 0; i < clients; i++) {
      BenchSessionStates.bind(server.withClient("client-" + i), component);
    }
    // The clients a server is serving right now: any of them, wherever they are in the store.
    SplittableRandom random = new SplittableRandom(42);
    active = new StateContext[ACTIVE];
    bound = new BenchSessionStates[ACTIVE];
    int[] picked = new int[ACTIVE];
    for (int i = 0; i < ACTIVE; i++) {
      picked[i] = random.nextInt(clients);
      active[i] = server.withClient("client-" + picked[i]);
      bound[i] = BenchSessionStates.bind(active[i], component);
    }
    AtomicReference<?>[] raw = new AtomicReference<?>[states];
    for (int i = 0; i < states; i++) {
      raw[i] = new AtomicReference<>(0);
    }
    rawActive = newArray(ACTIVE);
    for (int i = 0; i < ACTIVE; i++) {
      rawActive[i] = cast(raw[picked[i] * 4]);
    }
    raw = null;
    PaddedReference[] padded = new PaddedReference[states];
    for (int i = 0; i < states; i++) {
      padded[i] = new PaddedReference();
    }
    paddedActive = new PaddedReference[ACTIVE];
    for (int i = 0; i < ACTIVE; i++) {
      paddedActive[i] = padded[picked[i] * 4];
    }
    // A server's store has been through collections: measure the compacted heap, not allocation order
    // (without this, 10⁶ states measured slower than 10⁷, whose fill happened to be collected).
    System.gc();
  }

  /** A reference and padding: 88 bytes, about what a state takes in the store (MemoryFootprint). */
  @SuppressWarnings("unused")
  static final class PaddedReference {
    volatile Integer value = 0;
    long p1, p2, p3, p4, p5, p6, p7, p8, p9;
  }

  @SuppressWarnings("unchecked")
  private static AtomicReference<Integer>[] newArray(int length) {
    return (AtomicReference<Integer>[]) new AtomicReference<?>[length];
  }

  @SuppressWarnings("unchecked")
  private static AtomicReference<Integer> cast(AtomicReference<?> reference) {
    return (AtomicReference<Integer>) reference;
  }

  @Benchmark
  public BenchSessionStates bind() {
    next = (next + 1) & (ACTIVE - 1);
    return BenchSessionStates.bind(active[next], component);
  }

  @Benchmark
  public int get() {
    next = (next + 1) & (ACTIVE - 1);
    return bound[next].getPage();
  }

  /** The same reads of plain 88-byte objects among as many: what memory costs at the store's footprint. */
  @Benchmark
  public int getPaddedReference() {
    next = (next + 1) & (ACTIVE - 1);
    return paddedActive[next].value;
  }

  /** The same reads of plain references among as many: what memory itself costs at each size. */
  @Benchmark
  public int getRawReference() {
    next = (next + 1) & (ACTIVE - 1);
    return rawActive[next].get();
  }
}
