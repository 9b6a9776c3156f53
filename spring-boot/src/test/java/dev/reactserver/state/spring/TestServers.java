package dev.reactserver.state.spring;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import redis.embedded.RedisServer;

/**
 * The Redis, PostgreSQL and DynamoDB the starter's store tests run against: the servers named by
 * {@code REACTSERVER_REDIS_URI} and {@code REACTSERVER_POSTGRES_URL} (with {@code REACTSERVER_POSTGRES_USER}
 * and {@code REACTSERVER_POSTGRES_PASSWORD}), as in the store modules' tests, else real servers started
 * from Maven artifacts, once per test run.
 */
final class TestServers {

  private static String redisUri;
  private static EmbeddedPostgres postgres;
  private static URI dynamoDbEndpoint;

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

  /**
   * The DynamoDB-compatible server named by {@code REACTSERVER_DYNAMODB_ENDPOINT}, else dynoxide (installed
   * by the build from npm) started for the run; any region and credentials will do.
   */
  static synchronized URI dynamoDbEndpoint() {
    if (dynamoDbEndpoint == null) {
      String external = System.getenv("REACTSERVER_DYNAMODB_ENDPOINT");
      if (external != null && !external.isBlank()) {
        dynamoDbEndpoint = URI.create(external);
      } else {
        dynamoDbEndpoint = startDynoxide();
      }
    }
    return dynamoDbEndpoint;
  }

  private static URI startDynoxide() {
    Path dynoxide = Path.of(System.getProperty("reactserver.dynamodb.servers", "target/dynamodb-servers"))
        .resolve("node_modules/@dynoxide/linux-x64/dynoxide");
    if (!Files.isExecutable(dynoxide)) {
      throw new AssertionError(dynoxide + " is missing: the build installs it with npm (Node.js 20 and npm on"
          + " the PATH), or name a server with REACTSERVER_DYNAMODB_ENDPOINT");
    }
    try {
      int port = freePort();
      Process process = new ProcessBuilder(dynoxide.toString(), "serve", "--host", "127.0.0.1", "--port",
          Integer.toString(port)).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      Runtime.getRuntime().addShutdownHook(new Thread(process::destroy));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (System.nanoTime() < deadline && process.isAlive()) {
        try (Socket socket = new Socket()) {
          socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
          return URI.create("http://127.0.0.1:" + port);
        } catch (IOException notYet) {
          Thread.sleep(50);
        }
      }
      throw new AssertionError("dynoxide did not listen on port " + port + " within 30 s");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
