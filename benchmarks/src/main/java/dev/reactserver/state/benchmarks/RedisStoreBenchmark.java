package dev.reactserver.state.benchmarks;

import dev.reactserver.state.redis.RedisStore;
import dev.reactserver.state.remote.spi.ChangeMessage;
import dev.reactserver.state.runtime.StateId;
import dev.reactserver.state.runtime.Store;
import io.lettuce.core.KeyValue;
import io.lettuce.core.LettuceFutures;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Threads;
import redis.embedded.RedisServer;

/**
 * Accessors on the Redis store against Lettuce (one shared connection, as the store has) sending the
 * plain command on the same key of the same server: {@code HGET}; {@code HSET} and {@code HINCRBY},
 * each alone and together with a {@code PUBLISH} of the change message the store would send (what any
 * store that tells other nodes must send); binding a four-state component against one {@code HGET} of
 * each of its four keys, pipelined. One thread, and 16 threads each on a client of its own or all on
 * one shared state. The server runs as deployed with persistence: append-only file, fsync every second.
 */
public class RedisStoreBenchmark extends StoreBenchmark<RedisStoreBenchmark.Keys> {

  /** A client's four keys, and the change message the store publishes for a write of count and visits. */
  record Keys(String[] four, String countChange, String visitsChange) {

    String key(boolean shared) {
      return four[shared ? 3 : 0];
    }

    String change(boolean shared) {
      return shared ? visitsChange : countChange;
    }
  }

  private RedisServer redis;
  private RedisStore store;
  private RedisClient client;
  private StatefulRedisConnection<String, String> connection;
  private RedisCommands<String, String> raw;
  private RedisAsyncCommands<String, String> rawAsync;
  private String channel;

  @Override
  protected Store start() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    redis = RedisServer.newRedisServer().port(port).setting("appendonly yes").setting("appendfsync everysec")
        .setting("dir " + Files.createTempDirectory("redis-bench")).build();
    redis.start();
    String uri = "redis://localhost:" + port;
    store = RedisStore.builder(uri).prefix("bench").build();
    client = RedisClient.create(uri);
    connection = client.connect();
    raw = connection.sync();
    rawAsync = connection.async();
    channel = store.prefix() + "#changes";
    return store;
  }

  /** The server's process, by the id it gives in {@code INFO server}. */
  @Override
  protected ProcessHandle serverProcess() {
    long pid = raw.info("server").lines().filter(line -> line.startsWith("process_id:"))
        .mapToLong(line -> Long.parseLong(line.substring("process_id:".length()).trim())).findFirst().orElseThrow();
    return ProcessHandle.of(pid).orElseThrow();
  }

  @Override
  protected void stop() throws Exception {
    connection.close();
    client.shutdown();
    store.close();
    redis.stop();
  }

  @Override
  protected Keys keysOf(BenchCartStates cart) {
    String count = key(cart.countState().id());
    String visits = key(cart.visitsState().id());
    return new Keys(new String[] {count, key(cart.pointsState().id()), key(cart.totalState().id()), visits},
        change(cart.countState().id(), count), change(cart.visitsState().id(), visits));
  }

  private String key(StateId id) {
    return store.prefix() + ":" + id.storeKey();
  }

  /** A message of the size and shape the store publishes for a write of this state. */
  private String change(StateId id, String key) {
    List<KeyValue<String, String>> fields = raw.hmget(key, "c", "t");
    return ChangeMessage.written(id, "1", "2", fields.get(0).getValue(), fields.get(1).getValue()).toJson();
  }

  @Override
  protected Object rawGet(Keys keys, boolean shared) {
    return raw.hget(keys.key(shared), "v");
  }

  @Override
  protected Object rawSet(Keys keys, boolean shared, int value) {
    return raw.hset(keys.key(shared), "v", Integer.toString(value));
  }

  @Override
  protected Object rawIncrement(Keys keys, boolean shared) {
    return raw.hincrby(keys.key(shared), "v", 1);
  }

  @Override
  protected Object rawBind(Keys keys) {
    RedisFuture<?>[] reads = new RedisFuture<?>[4];
    for (int i = 0; i < 4; i++) {
      reads[i] = rawAsync.hget(keys.four()[i], "v");
    }
    return LettuceFutures.awaitAll(5, TimeUnit.SECONDS, reads);
  }

  // ---- the raw write with the PUBLISH every store that tells other nodes must send ----

  @Benchmark
  @Threads(1)
  public Object setAndPublishRaw() {
    return setAndPublish(false);
  }

  @Benchmark
  @Threads(1)
  public Object incrementAndPublishRaw() {
    return incrementAndPublish(false);
  }

  @Benchmark
  @Threads(16)
  public Object setAndPublishRaw16Threads() {
    return setAndPublish(false);
  }

  @Benchmark
  @Threads(16)
  public Object incrementAndPublishRaw16Threads() {
    return incrementAndPublish(false);
  }

  @Benchmark
  @Threads(16)
  public Object setSharedAndPublishRaw16Threads() {
    return setAndPublish(true);
  }

  @Benchmark
  @Threads(16)
  public Object incrementSharedAndPublishRaw16Threads() {
    return incrementAndPublish(true);
  }

  private Object setAndPublish(boolean shared) {
    Client<Keys> client = client();
    return published(rawAsync.hset(client.keys.key(shared), "v", Integer.toString(client.nextValue())),
        client.keys.change(shared));
  }

  private Object incrementAndPublish(boolean shared) {
    Keys keys = client().keys;
    return published(rawAsync.hincrby(keys.key(shared), "v", 1), keys.change(shared));
  }

  /** Sends the change message right behind the write (one round trip for both) and waits for both. */
  private Object published(RedisFuture<?> write, String change) {
    RedisFuture<Long> publish = rawAsync.publish(channel, change);
    return LettuceFutures.awaitAll(5, TimeUnit.SECONDS, write, publish);
  }
}
