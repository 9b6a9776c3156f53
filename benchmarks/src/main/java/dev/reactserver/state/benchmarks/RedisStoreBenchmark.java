package dev.reactserver.state.benchmarks;

import dev.reactserver.state.redis.RedisStore;
import dev.reactserver.state.runtime.StateContext;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.IOException;
import java.net.ServerSocket;
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
import redis.embedded.RedisServer;

/**
 * Accessors on the Redis store against Lettuce doing the same command on the same key of the same
 * server ({@code HGET}, {@code HSET}, {@code HINCRBY}), and binding a four-state component (one round
 * trip). One thread: each call waits for its round trip.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 1, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class RedisStoreBenchmark {

  private RedisServer server;
  private RedisStore store;
  private RedisClient client;
  private StatefulRedisConnection<String, String> connection;
  private RedisCommands<String, String> raw;
  private StateContext ctx;
  private BenchCart component;
  private BenchCartStates cart;
  private String countKey;
  private String visitsKey;
  private int next;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    server = new RedisServer(port);
    server.start();
    String uri = "redis://localhost:" + port;
    store = RedisStore.builder(uri).prefix("bench").build();
    ctx = StateContext.of(store).withClient("c-42").withUser("u-7").forComponent("cart#1");
    component = new BenchCart();
    cart = BenchCartStates.bind(ctx, component);
    client = RedisClient.create(uri);
    connection = client.connect();
    raw = connection.sync();
    countKey = store.prefix() + ":" + cart.countState().id().storeKey();
    visitsKey = store.prefix() + ":" + cart.visitsState().id().storeKey();
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    connection.close();
    client.shutdown();
    store.close();
    server.stop();
  }

  @Benchmark
  public int getThroughStore() {
    return cart.getCount();
  }

  @Benchmark
  public int getRaw() {
    return Integer.parseInt(raw.hget(countKey, "v"));
  }

  @Benchmark
  public void setThroughStore() {
    cart.setCount(next++ & 1023);
  }

  @Benchmark
  public boolean setRaw() {
    return raw.hset(countKey, "v", Integer.toString(next++ & 1023));
  }

  @Benchmark
  public long incrementThroughStore() {
    return cart.incrementVisits(1);
  }

  @Benchmark
  public long incrementRaw() {
    return raw.hincrby(visitsKey, "v", 1);
  }

  @Benchmark
  public BenchCartStates bindThroughStore() {
    return BenchCartStates.bind(ctx, component);
  }
}
