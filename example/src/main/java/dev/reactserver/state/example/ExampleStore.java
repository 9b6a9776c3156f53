package dev.reactserver.state.example;

import dev.reactserver.state.dynamodb.DynamoDbStore;
import dev.reactserver.state.postgres.PostgresStore;
import dev.reactserver.state.redis.RedisStore;
import dev.reactserver.state.runtime.InMemoryStore;
import dev.reactserver.state.runtime.StateId;
import dev.reactserver.state.runtime.Store;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import redis.embedded.RedisServer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * The store the example runs on, chosen with {@code --store=memory} (the default), {@code --store=redis},
 * {@code --store=postgres} or {@code --store=dynamodb}. The servers are the ones named by
 * {@code REACTSERVER_REDIS_URI}, {@code REACTSERVER_POSTGRES_URL} (with {@code REACTSERVER_POSTGRES_USER} and
 * {@code REACTSERVER_POSTGRES_PASSWORD}) or {@code REACTSERVER_DYNAMODB_ENDPOINT}, else real servers started
 * for the run: Redis and PostgreSQL from Maven artifacts, dynoxide (a DynamoDB-compatible server) from the
 * npm package the build installs.
 */
final class ExampleStore implements AutoCloseable {

  private final String kind;
  private final List<AutoCloseable> resources = new ArrayList<>();
  private String redisUri;
  private String jdbcUrl;
  private String user;
  private String password;
  private URI dynamoEndpoint;
  private boolean cleared;

  private ExampleStore(String kind) {
    this.kind = kind;
  }

  /**
   * The store named by the arguments.
   *
   * @throws IllegalArgumentException for an unknown argument or store
   */
  static ExampleStore fromArguments(String... args) {
    String kind = "memory";
    for (String arg : args) {
      if (!arg.startsWith("--store=")) {
        throw new IllegalArgumentException("unknown argument '" + arg + "'; use --store=memory|redis|postgres|dynamodb");
      }
      kind = arg.substring("--store=".length()).toLowerCase(Locale.ROOT);
    }
    if (!List.of("memory", "redis", "postgres", "dynamodb").contains(kind)) {
      throw new IllegalArgumentException("unknown store '" + kind + "'; use --store=memory|redis|postgres|dynamodb");
    }
    return new ExampleStore(kind);
  }

  String kind() {
    return kind;
  }

  /** Whether several store instances (server nodes) can share the states. */
  boolean shared() {
    return !kind.equals("memory");
  }

  /** A new store instance: one server node. The first one clears what an earlier run left. */
  Store openNode() {
    Store store = switch (kind) {
      case "redis" -> RedisStore.builder(redisUri()).prefix("reactserver-example").build();
      case "postgres" -> PostgresStore.builder(jdbcUrl(), user, password).schema("reactserver_example")
          .poolSize(4).build();
      case "dynamodb" -> DynamoDbStore.builder("reactserver-example").endpoint(dynamoEndpoint()).region(region())
          .credentials(credentials()).build();
      default -> new InMemoryStore();
    };
    if (store instanceof AutoCloseable closeable) {
      resources.add(0, closeable); // closed before the server it talks to
    }
    if (!cleared) {
      cleared = true;
      for (StateId id : store.states().keySet()) {
        store.deleteState(id);
      }
    }
    return store;
  }

  private String redisUri() {
    if (redisUri == null) {
      redisUri = System.getenv("REACTSERVER_REDIS_URI");
      if (redisUri == null || redisUri.isBlank()) {
        int port = freePort();
        RedisServer server = io(() -> new RedisServer(port));
        io(() -> {
          server.start();
          return server;
        });
        resources.add(server::stop);
        redisUri = "redis://localhost:" + port;
      }
    }
    return redisUri;
  }

  private String jdbcUrl() {
    if (jdbcUrl == null) {
      jdbcUrl = System.getenv("REACTSERVER_POSTGRES_URL");
      user = System.getenv("REACTSERVER_POSTGRES_USER");
      password = System.getenv("REACTSERVER_POSTGRES_PASSWORD");
      if (jdbcUrl == null || jdbcUrl.isBlank()) {
        EmbeddedPostgres server = io(EmbeddedPostgres::start);
        resources.add(server);
        jdbcUrl = server.getJdbcUrl("postgres", "postgres");
        user = "postgres";
        password = null;
      }
    }
    return jdbcUrl;
  }

  private URI dynamoEndpoint() {
    if (dynamoEndpoint == null) {
      String named = System.getenv("REACTSERVER_DYNAMODB_ENDPOINT");
      if (named != null && !named.isBlank()) {
        dynamoEndpoint = URI.create(named);
      } else {
        Path dynoxide = Path.of(System.getProperty("reactserver.dynamodb.servers", "target/dynamodb-servers"))
            .resolve("node_modules/@dynoxide/linux-x64/dynoxide");
        if (!Files.isExecutable(dynoxide)) {
          throw new IllegalStateException(dynoxide + " is missing: build the example with Maven (it installs"
              + " dynoxide with npm), or name a server with REACTSERVER_DYNAMODB_ENDPOINT");
        }
        int port = freePort();
        Process process = io(() -> new ProcessBuilder(dynoxide.toString(), "serve", "--host", "127.0.0.1", "--port",
            Integer.toString(port)).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start());
        resources.add(process::destroy);
        awaitPort(port);
        dynamoEndpoint = URI.create("http://127.0.0.1:" + port);
      }
    }
    return dynamoEndpoint;
  }

  private static Region region() {
    String region = System.getenv("AWS_REGION");
    return Region.of(region == null || region.isBlank() ? "us-east-1" : region);
  }

  /** The SDK's chain when AWS credentials are configured; a local server takes any. */
  private static AwsCredentialsProvider credentials() {
    String key = System.getenv("AWS_ACCESS_KEY_ID");
    return key != null && !key.isBlank() ? DefaultCredentialsProvider.builder().build()
        : StaticCredentialsProvider.create(AwsBasicCredentials.create("example", "example"));
  }

  private static void awaitPort(int port) {
    for (int attempt = 0; attempt < 300; attempt++) {
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 100);
        return;
      } catch (IOException e) {
        try {
          Thread.sleep(20);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while starting dynoxide", interrupted);
        }
      }
    }
    throw new IllegalStateException("dynoxide did not listen on port " + port);
  }

  @Override
  public void close() throws Exception {
    for (AutoCloseable resource : resources) {
      resource.close();
    }
  }

  private interface IoSupplier<T> {
    T get() throws IOException;
  }

  private static <T> T io(IoSupplier<T> action) {
    try {
      return action.get();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
