package dev.reactserver.state.benchmarks;

import dev.reactserver.state.runtime.StateContext;
import dev.reactserver.state.runtime.Store;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Accessors on a server store against the server's own client making the equivalent call on the same
 * state of the same server, in the same run: get, set, increment and binding a four-state component;
 * one thread, 16 threads each on a client of its own, and 16 threads on one shared state. A subclass
 * starts the server and the store and says what the raw client sends; every row is this class's.
 *
 * <p>Each thread's client (its context, component and the raw client's names for its states) is made on
 * the thread's first call; both sides of a pair pay the same lookup, a few nanoseconds against a round
 * trip.
 *
 * @param <K> how the raw client names a client's states
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public abstract class StoreBenchmark<K> {

  /** One thread's client of the component. */
  protected static final class Client<K> {
    final StateContext ctx;
    final BenchCart component = new BenchCart();
    final BenchCartStates cart;
    final K keys;
    int next;

    Client(StateContext ctx, K keys, BenchCartStates cart) {
      this.ctx = ctx;
      this.keys = keys;
      this.cart = cart;
    }

    /** The next value to set, cycling so that values stay short. */
    int nextValue() {
      return next++ & 1023;
    }
  }

  private final AtomicInteger clients = new AtomicInteger();
  private final ThreadLocal<Client<K>> client = ThreadLocal.withInitial(this::newClient);
  private Store store;

  /** Starts the server and returns the store on it; the raw client too. */
  protected abstract Store start() throws Exception;

  /** The server's process, whose CPU time {@link CpuPerOperation} reads. */
  protected abstract ProcessHandle serverProcess() throws Exception;

  /** Closes the store and the raw client, and stops the server. */
  protected abstract void stop() throws Exception;

  /** The raw client's names for the four states of {@code cart} (count, points, total, visits). */
  protected abstract K keysOf(BenchCartStates cart) throws Exception;

  /** Reads the client's count (or, if {@code shared}, the shared visits) as the raw client does. */
  protected abstract Object rawGet(K keys, boolean shared) throws Exception;

  /** Sets it to {@code value} as the raw client does. */
  protected abstract Object rawSet(K keys, boolean shared, int value) throws Exception;

  /** Adds 1 to it as the raw client does. */
  protected abstract Object rawIncrement(K keys, boolean shared) throws Exception;

  /** Reads the four states at once as the raw client does. */
  protected abstract Object rawBind(K keys) throws Exception;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    store = start();
    CpuPerOperation.watch(serverProcess());
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    CpuPerOperation.stopping();
    stop();
  }

  /** This thread's client. */
  protected final Client<K> client() {
    return client.get();
  }

  private Client<K> newClient() {
    int n = clients.incrementAndGet();
    StateContext ctx = StateContext.of(store).withClient("c-" + n).withUser("u-" + n).forComponent("cart#" + n);
    BenchCartStates cart = BenchCartStates.bind(ctx, new BenchCart());
    try {
      return new Client<>(ctx, keysOf(cart), cart);
    } catch (Exception e) {
      throw new IllegalStateException("cannot prepare the raw client's keys", e);
    }
  }

  @Benchmark
  @Threads(1)
  public int getThroughStore() {
    return client().cart.getCount();
  }

  @Benchmark
  @Threads(1)
  public Object getRaw() throws Exception {
    return rawGet(client().keys, false);
  }

  @Benchmark
  @Threads(1)
  public void setThroughStore() {
    Client<K> client = client();
    client.cart.setCount(client.nextValue());
  }

  @Benchmark
  @Threads(1)
  public Object setRaw() throws Exception {
    Client<K> client = client();
    return rawSet(client.keys, false, client.nextValue());
  }

  @Benchmark
  @Threads(1)
  public int incrementThroughStore() {
    return client().cart.incrementCount(1);
  }

  @Benchmark
  @Threads(1)
  public Object incrementRaw() throws Exception {
    return rawIncrement(client().keys, false);
  }

  @Benchmark
  @Threads(1)
  public BenchCartStates bindThroughStore() {
    Client<K> client = client();
    return BenchCartStates.bind(client.ctx, client.component);
  }

  @Benchmark
  @Threads(1)
  public Object bindRaw() throws Exception {
    return rawBind(client().keys);
  }

  @Benchmark
  @Threads(16)
  public int getThroughStore16Threads() {
    return getThroughStore();
  }

  @Benchmark
  @Threads(16)
  public Object getRaw16Threads() throws Exception {
    return getRaw();
  }

  @Benchmark
  @Threads(16)
  public void setThroughStore16Threads() {
    setThroughStore();
  }

  @Benchmark
  @Threads(16)
  public Object setRaw16Threads() throws Exception {
    return setRaw();
  }

  @Benchmark
  @Threads(16)
  public int incrementThroughStore16Threads() {
    return incrementThroughStore();
  }

  @Benchmark
  @Threads(16)
  public Object incrementRaw16Threads() throws Exception {
    return incrementRaw();
  }

  @Benchmark
  @Threads(16)
  public BenchCartStates bindThroughStore16Threads() {
    return bindThroughStore();
  }

  @Benchmark
  @Threads(16)
  public Object bindRaw16Threads() throws Exception {
    return bindRaw();
  }

  @Benchmark
  @Threads(16)
  public long getSharedThroughStore16Threads() {
    return client().cart.getVisits();
  }

  @Benchmark
  @Threads(16)
  public Object getSharedRaw16Threads() throws Exception {
    return rawGet(client().keys, true);
  }

  @Benchmark
  @Threads(16)
  public void setSharedThroughStore16Threads() {
    Client<K> client = client();
    client.cart.setVisits(client.nextValue());
  }

  @Benchmark
  @Threads(16)
  public Object setSharedRaw16Threads() throws Exception {
    Client<K> client = client();
    return rawSet(client.keys, true, client.nextValue());
  }

  @Benchmark
  @Threads(16)
  public long incrementSharedThroughStore16Threads() {
    return client().cart.incrementVisits(1);
  }

  @Benchmark
  @Threads(16)
  public Object incrementSharedRaw16Threads() throws Exception {
    return rawIncrement(client().keys, true);
  }
}
