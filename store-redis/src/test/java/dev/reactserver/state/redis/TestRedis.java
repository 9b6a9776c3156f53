package dev.reactserver.state.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.concurrent.atomic.AtomicInteger;
import redis.embedded.RedisServer;

/**
 * The Redis the tests run against: the one named by {@code REACTSERVER_REDIS_URI}, else a real Redis
 * started from the embedded-redis artifact on a free port, once per test run.
 */
final class TestRedis {

  private static final AtomicInteger PREFIXES = new AtomicInteger();
  private static RedisURI uri;
  private static RedisClient client;

  private TestRedis() {}

  static synchronized RedisURI uri() {
    if (uri == null) {
      String external = System.getenv("REACTSERVER_REDIS_URI");
      if (external != null && !external.isBlank()) {
        uri = RedisURI.create(external);
      } else {
        int port = freePort();
        RedisServer server = start(port);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(server)));
        uri = RedisURI.create("redis://localhost:" + port);
      }
    }
    return uri;
  }

  /** One client for every store of the run (as an application would share one). */
  static synchronized RedisClient client() {
    if (client == null) {
      client = RedisClient.create();
      client.setOptions(ClientOptions.builder()
          .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
          .build());
    }
    return client;
  }

  /** A store with a prefix of its own, so that it starts empty. */
  static RedisStore.Builder storeBuilder() {
    return RedisStore.builder(uri()).client(client()).prefix("test" + PREFIXES.incrementAndGet());
  }

  static RedisServer start(int port) {
    try {
      RedisServer server = new RedisServer(port);
      server.start();
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void stop(RedisServer server) {
    try {
      server.stop();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
