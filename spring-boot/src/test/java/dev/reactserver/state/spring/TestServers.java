package dev.reactserver.state.spring;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import redis.embedded.RedisServer;

/**
 * The Redis and PostgreSQL the starter's store tests run against: the servers named by
 * {@code REACTSERVER_REDIS_URI} and {@code REACTSERVER_POSTGRES_URL} (with {@code REACTSERVER_POSTGRES_USER}
 * and {@code REACTSERVER_POSTGRES_PASSWORD}), as in the store modules' tests, else real servers started
 * from Maven artifacts, once per test run.
 */
final class TestServers {

  private static String redisUri;
  private static EmbeddedPostgres postgres;

  private TestServers() {}

  static synchronized String redisUri() {
    if (redisUri == null) {
      String external = System.getenv("REACTSERVER_REDIS_URI");
      if (external != null && !external.isBlank()) {
        redisUri = external;
      } else {
        try {
          int port = freePort();
          RedisServer server = new RedisServer(port);
          server.start();
          Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
              server.stop();
            } catch (IOException ignored) {
              // the JVM is ending
            }
          }));
          redisUri = "redis://localhost:" + port;
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
    return redisUri;
  }

  /** {@code {url, user, password}}. */
  static synchronized String[] postgres() {
    String external = System.getenv("REACTSERVER_POSTGRES_URL");
    if (external != null && !external.isBlank()) {
      return new String[] {external, System.getenv("REACTSERVER_POSTGRES_USER"),
          System.getenv("REACTSERVER_POSTGRES_PASSWORD")};
    }
    if (postgres == null) {
      try {
        postgres = EmbeddedPostgres.start();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return new String[] {postgres.getJdbcUrl("postgres", "postgres"), "postgres", ""};
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
