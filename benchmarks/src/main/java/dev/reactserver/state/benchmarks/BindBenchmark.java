package dev.reactserver.state.benchmarks;

import dev.reactserver.state.runtime.InMemoryStore;
import dev.reactserver.state.runtime.StateContext;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * Binding a component with four states (client, user, component and global scope) to existing states,
 * against four {@code computeIfAbsent(scope + ":" + key)}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class BindBenchmark {

  private StateContext ctx;
  private StateContext server;
  private BenchCart component;
  private ConcurrentHashMap<String, Object> stringKeyedMap;
  private String clientScope = "$client(c-42)";
  private String userScope = "$user(u-7)";
  private String componentScope = "$component(cart#1)";
  private String globalScope = "shop";

  @Setup
  public void setUp() {
    server = StateContext.of(new InMemoryStore());
    ctx = server.withClient("c-42").withUser("u-7").forComponent("cart#1");
    component = new BenchCart();
    BenchCartStates.bind(ctx, component);
    stringKeyedMap = new ConcurrentHashMap<>();
  }

  /** One context per request, binding several components: the context is reused. */
  @Benchmark
  public BenchCartStates bindBound() {
    return BenchCartStates.bind(ctx, component);
  }

  /** A fresh context for every bind: the worst case, nothing cached between binds. */
  @Benchmark
  public BenchCartStates bindFreshContext() {
    return BenchCartStates.bind(server.withClient("c-42").withUser("u-7").forComponent("cart#1"), component);
  }

  @Benchmark
  public void bindStringKeyedMap(Blackhole blackhole) {
    blackhole.consume(stringKeyedMap.computeIfAbsent(clientScope + ":" + "count", k -> component.count));
    blackhole.consume(stringKeyedMap.computeIfAbsent(userScope + ":" + "points", k -> component.points));
    blackhole.consume(stringKeyedMap.computeIfAbsent(componentScope + ":" + "total", k -> component.total));
    blackhole.consume(stringKeyedMap.computeIfAbsent(globalScope + ":" + "visits", k -> component.visits));
  }
}
