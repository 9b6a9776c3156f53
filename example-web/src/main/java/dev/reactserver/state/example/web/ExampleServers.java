package dev.reactserver.state.example.web;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import redis.embedded.RedisServer;

/**
 * The server a store flag needs: the one named by {@code REACTSERVER_REDIS_URI} or
 * {@code REACTSERVER_POSTGRES_URL} (+ {@code REACTSERVER_POSTGRES_USER}, {@code REACTSERVER_POSTGRES_PASSWORD}),
 * else a real server started from Maven artifacts for the run; as the starter's properties.
 */
final class ExampleServers implements AutoCloseable {

  private final Map<String, Object> properties = new HashMap<>();
  private AutoCloseable started;

  private ExampleServers() {}

  static ExampleServers forStore(String flag) {
    String store = flag.toLowerCase(Locale.ROOT);
    ExampleServers servers = new ExampleServers();
    servers.properties.put("reactserver.state.store", store);
    switch (store) {
      case "memory" -> { }
      case "redis" -> servers.redis();
      case "postgres" -> servers.postgres();
      default -> throw new IllegalArgumentException("unknown store '" + flag + "'; use --store=memory|redis|postgres");
    }
    return servers;
  }

  Map<String, Object> properties() {
    return properties;
  }

  private void redis() {
    String uri = System.getenv("REACTSERVER_REDIS_URI");
    if (uri == null || uri.isBlank()) {
      try {
        int port = freePort();
        RedisServer server = new RedisServer(port);
        server.start();
        started = server::stop;
        uri = "redis://localhost:" + port;
        System.out.println("started Redis at " + uri + " for this run; a second instance on it:"
            + " REACTSERVER_REDIS_URI=" + uri + " with --server.port=8081");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    properties.put("reactserver.state.redis.uri", uri);
  }

  private void postgres() {
    String url = System.getenv("REACTSERVER_POSTGRES_URL");
    if (url == null || url.isBlank()) {
      try {
        EmbeddedPostgres server = EmbeddedPostgres.start();
        started = server;
        url = server.getJdbcUrl("postgres", "postgres");
        properties.put("reactserver.state.postgres.username", "postgres");
        System.out.println("started PostgreSQL at " + url + " for this run");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    } else {
      properties.put("reactserver.state.postgres.username", System.getenv("REACTSERVER_POSTGRES_USER"));
      properties.put("reactserver.state.postgres.password", System.getenv("REACTSERVER_POSTGRES_PASSWORD"));
    }
    properties.put("reactserver.state.postgres.url", url);
  }

  @Override
  public void close() {
    if (started != null) {
      try {
        started.close();
      } catch (Exception e) {
        System.err.println("could not stop the example's server: " + e);
      }
      started = null;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
