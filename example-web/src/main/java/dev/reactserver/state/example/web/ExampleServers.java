package dev.reactserver.state.example.web;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import redis.embedded.RedisServer;

/**
 * The server a store flag needs: the one named by {@code REACTSERVER_REDIS_URI},
 * {@code REACTSERVER_POSTGRES_URL} (+ {@code REACTSERVER_POSTGRES_USER}, {@code REACTSERVER_POSTGRES_PASSWORD}) or
 * {@code REACTSERVER_DYNAMODB_ENDPOINT}, else a real server started for the run (Redis and PostgreSQL from
 * Maven artifacts, dynoxide from the npm package the build installs); as the starter's properties.
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
      case "dynamodb" -> servers.dynamodb();
      default -> throw new IllegalArgumentException("unknown store '" + flag
          + "'; use --store=memory|redis|postgres|dynamodb");
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

  private void dynamodb() {
    String endpoint = System.getenv("REACTSERVER_DYNAMODB_ENDPOINT");
    if (endpoint == null || endpoint.isBlank()) {
      endpoint = startDynoxide();
      System.out.println("started dynoxide at " + endpoint + " for this run; a second instance on it:"
          + " REACTSERVER_DYNAMODB_ENDPOINT=" + endpoint + " with --server.port=8081");
    }
    properties.put("reactserver.state.dynamodb.endpoint", endpoint);
    if (System.getenv("AWS_REGION") == null) {
      properties.put("reactserver.state.dynamodb.region", "us-east-1"); // a local server takes any
    }
    if (System.getenv("AWS_ACCESS_KEY_ID") == null) {
      properties.put("reactserver.state.dynamodb.access-key-id", "example");
      properties.put("reactserver.state.dynamodb.secret-access-key", "example");
    }
  }

  /** dynoxide, the DynamoDB-compatible server the build installs from npm, on a free loopback port. */
  private String startDynoxide() {
    Path dynoxide = Path.of(System.getProperty("reactserver.dynamodb.servers", "target/dynamodb-servers"))
        .resolve("node_modules/@dynoxide/linux-x64/dynoxide");
    if (!Files.isExecutable(dynoxide)) {
      throw new IllegalStateException(dynoxide + " is missing: build the example with Maven (it installs"
          + " dynoxide with npm), or name a server with REACTSERVER_DYNAMODB_ENDPOINT");
    }
    try {
      int port = freePort();
      Process process = new ProcessBuilder(dynoxide.toString(), "serve", "--host", "127.0.0.1", "--port",
          Integer.toString(port)).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      started = process::destroy;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (System.nanoTime() < deadline && process.isAlive()) {
        try (Socket socket = new Socket()) {
          socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
          return "http://127.0.0.1:" + port;
        } catch (IOException notYet) {
          Thread.sleep(50);
        }
      }
      throw new IllegalStateException("dynoxide did not listen on port " + port + " within 30 s");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting dynoxide", e);
    }
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
