package dev.reactserver.state.benchmarks;

import dev.reactserver.state.redis.RedisStore;
import dev.reactserver.state.runtime.StateContext;
import dev.reactserver.state.runtime.StateId;
import io.lettuce.core.KeyValue;
import io.lettuce.core.LettuceFutures;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
import redis.embedded.RedisServer;

/**
 * Accessors on the Redis store against Lettuce (one shared connection, as the store has) sending the
 * plain command on the same key of the same server: {@code HGET}; {@code HSET} and {@code HINCRBY},
 * each alone and together with a {@code PUBLISH} of the change message the store would send (what any
 * store that tells other nodes must send); binding a four-state component against one {@code HGET} of
 * each of its four keys, pipelined. One thread, and 16 threads each on a client of its own or all on
 * one shared state. The server runs as deployed with persistence: append-only file, fsync every second.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class RedisStoreBenchmark {

  /** The server, the store and the raw connection, shared by the threads. */
  @State(Scope.Benchmark)
  public static class Server {
    Path data;
    RedisServer redis;
    RedisStore store;
    RedisClient client;
    StatefulRedisConnection<String, String> connection;
    RedisCommands<String, String> raw;
    RedisAsyncCommands<String, String> rawAsync;
    String channel;
    final AtomicInteger clients = new AtomicInteger();

    @Setup(Level.Trial)
    public void start() throws IOException {
      int port;
      try (ServerSocket socket = new ServerSocket(0)) {
        port = socket.getLocalPort();
      }
      data = Files.createTempDirectory("redis-bench");
      redis = RedisServer.newRedisServer().port(port).setting("appendonly yes").setting("appendfsync everysec")
          .setting("dir " + data).build();
      redis.start();
      String uri = "redis://localhost:" + port;
      store = RedisStore.builder(uri).prefix("bench").build();
      client = RedisClient.create(uri);
      connection = client.connect();
      raw = connection.sync();
      rawAsync = connection.async();
      channel = store.prefix() + "#changes";
    }

    @TearDown(Level.Trial)
    public void stop() throws IOException {
      connection.close();
      client.shutdown();
      store.close();
      redis.stop();
    }
  }

  /** Each thread's own client of the component, its keys, and the change message the store sends. */
  @State(Scope.Thread)
  public static class Client {
    StateContext ctx;
    BenchCart component;
    BenchCartStates cart;
    String countKey;
    String visitsKey;
    String[] fourKeys;
    String countChange;
    String visitsChange;
    int next;

    @Setup(Level.Trial)
    public void bind(Server server) {
      int n = server.clients.incrementAndGet();
      ctx = StateContext.of(server.store).withClient("c-" + n).withUser("u-" + n).forComponent("cart#" + n);
      component = new BenchCart();
      cart = BenchCartStates.bind(ctx, component);
      countKey = key(server, cart.countState().id());
      visitsKey = key(server, cart.visitsState().id());
      fourKeys = new String[] {countKey, key(server, cart.pointsState().id()), key(server, cart.totalState().id()),
          visitsKey};
      countChange = change(server, cart.countState().id(), countKey);
      visitsChange = change(server, cart.visitsState().id(), visitsKey);
    }

    private static String key(Server server, StateId id) {
      return server.store.prefix() + ":" + id.storeKey();
    }

    /** A message of the size and shape the store publishes for a write of this state. */
    private static String change(Server server, StateId id, String key) {
      List<KeyValue<String, String>> fields = server.raw.hmget(key, "c", "t");
      return "{\"s\":\"" + id.scope() + "\",\"k\":\"" + id.key() + "\",\"o\":\"1\",\"n\":\"2\",\"d\":false,"
          + "\"c\":" + json(fields.get(0).getValue()) + ",\"t\":" + json(fields.get(1).getValue()) + "}";
    }

    private static String json(String text) {
      return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
  }

  @Benchmark
  @Threads(1)
  public int getThroughStore(Client client) {
    return client.cart.getCount();
  }

  @Benchmark
  @Threads(1)
  public String getRaw(Server server, Client client) {
    return server.raw.hget(client.countKey, "v");
  }

  @Benchmark
  @Threads(1)
  public void setThroughStore(Client client) {
    client.cart.setCount(client.next++ & 1023);
  }

  @Benchmark
  @Threads(1)
  public boolean setRaw(Server server, Client client) {
    return server.raw.hset(client.countKey, "v", Integer.toString(client.next++ & 1023));
  }

  @Benchmark
  @Threads(1)
  public Object setAndPublishRaw(Server server, Client client) {
    return published(server, server.rawAsync.hset(client.countKey, "v", Integer.toString(client.next++ & 1023)),
        client.countChange);
  }

  @Benchmark
  @Threads(1)
  public int incrementThroughStore(Client client) {
    return client.cart.incrementCount(1);
  }

  @Benchmark
  @Threads(1)
  public long incrementRaw(Server server, Client client) {
    return server.raw.hincrby(client.countKey, "v", 1);
  }

  @Benchmark
  @Threads(1)
  public Object incrementAndPublishRaw(Server server, Client client) {
    return published(server, server.rawAsync.hincrby(client.countKey, "v", 1), client.countChange);
  }

  @Benchmark
  @Threads(1)
  public BenchCartStates bindThroughStore(Client client) {
    return BenchCartStates.bind(client.ctx, client.component);
  }

  @Benchmark
  @Threads(1)
  public Object bindRaw(Server server, Client client) {
    RedisFuture<?>[] reads = new RedisFuture<?>[4];
    for (int i = 0; i < 4; i++) {
      reads[i] = server.rawAsync.hget(client.fourKeys[i], "v");
    }
    return LettuceFutures.awaitAll(5, TimeUnit.SECONDS, reads);
  }

  @Benchmark
  @Threads(16)
  public int getThroughStore16Threads(Client client) {
    return getThroughStore(client);
  }

  @Benchmark
  @Threads(16)
  public String getRaw16Threads(Server server, Client client) {
    return getRaw(server, client);
  }

  @Benchmark
  @Threads(16)
  public void setThroughStore16Threads(Client client) {
    setThroughStore(client);
  }

  @Benchmark
  @Threads(16)
  public boolean setRaw16Threads(Server server, Client client) {
    return setRaw(server, client);
  }

  @Benchmark
  @Threads(16)
  public Object setAndPublishRaw16Threads(Server server, Client client) {
    return setAndPublishRaw(server, client);
  }

  @Benchmark
  @Threads(16)
  public int incrementThroughStore16Threads(Client client) {
    return incrementThroughStore(client);
  }

  @Benchmark
  @Threads(16)
  public long incrementRaw16Threads(Server server, Client client) {
    return incrementRaw(server, client);
  }

  @Benchmark
  @Threads(16)
  public Object incrementAndPublishRaw16Threads(Server server, Client client) {
    return incrementAndPublishRaw(server, client);
  }

  @Benchmark
  @Threads(16)
  public BenchCartStates bindThroughStore16Threads(Client client) {
    return bindThroughStore(client);
  }

  @Benchmark
  @Threads(16)
  public Object bindRaw16Threads(Server server, Client client) {
    return bindRaw(server, client);
  }

  @Benchmark
  @Threads(16)
  public long getSharedThroughStore16Threads(Client client) {
    return client.cart.getVisits();
  }

  @Benchmark
  @Threads(16)
  public String getSharedRaw16Threads(Server server, Client client) {
    return server.raw.hget(client.visitsKey, "v");
  }

  @Benchmark
  @Threads(16)
  public void setSharedThroughStore16Threads(Client client) {
    client.cart.setVisits(client.next++ & 1023);
  }

  @Benchmark
  @Threads(16)
  public Object setSharedAndPublishRaw16Threads(Server server, Client client) {
    return published(server, server.rawAsync.hset(client.visitsKey, "v", Integer.toString(client.next++ & 1023)),
        client.visitsChange);
  }

  @Benchmark
  @Threads(16)
  public long incrementSharedThroughStore16Threads(Client client) {
    return client.cart.incrementVisits(1);
  }

  @Benchmark
  @Threads(16)
  public Object incrementSharedAndPublishRaw16Threads(Server server, Client client) {
    return published(server, server.rawAsync.hincrby(client.visitsKey, "v", 1), client.visitsChange);
  }

  /** Sends the change message right behind the write (one round trip for both) and waits for both. */
  private static Object published(Server server, RedisFuture<?> write, String change) {
    RedisFuture<Long> publish = server.rawAsync.publish(server.channel, change);
    return LettuceFutures.awaitAll(5, TimeUnit.SECONDS, write, publish);
  }
}
