package dev.reactserver.state.example;

import dev.reactserver.state.postgres.PostgresStore;
import dev.reactserver.state.redis.RedisStore;
import dev.reactserver.state.runtime.InMemoryStore;
import dev.reactserver.state.runtime.StateId;
import dev.reactserver.state.runtime.Store;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import redis.embedded.RedisServer;

/**
 * The store the example runs on, chosen with {@code --store=memory} (the default), {@code --store=redis}
 * or {@code --store=postgres}. Redis and PostgreSQL are the servers named by {@code REACTSERVER_REDIS_URI}
 * or {@code REACTSERVER_POSTGRES_URL} (with {@code REACTSERVER_POSTGRES_USER} and
 * {@code REACTSERVER_POSTGRES_PASSWORD}), else real servers started from Maven artifacts for the run.
 */
final class ExampleStore implements AutoCloseable {

  private final String kind;
  private final List<AutoCloseable> resources = new ArrayList<>();
  private String redisUri;
  private String jdbcUrl;
  private String user;
  private String password;
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
        throw new IllegalArgumentException("unknown argument '" + arg + "'; use --store=memory|redis|postgres");
      }
      kind = arg.substring("--store=".length()).toLowerCase(Locale.ROOT);
    }
    if (!List.of("memory", "redis", "postgres").contains(kind)) {
      throw new IllegalArgumentException("unknown store '" + kind + "'; use --store=memory|redis|postgres");
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
