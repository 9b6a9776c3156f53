package dev.reactserver.state.dynamodb;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * The DynamoDB-compatible servers the tests run against, as real processes: dynalite (Node.js, LevelDB)
 * and dynoxide (a static binary, SQLite), both installed by the build from the npm registry into
 * {@code target/dynamodb-servers}. Neither prints its port, so a free one is picked first.
 */
final class TestDynamo {

  static final StaticCredentialsProvider CREDENTIALS =
      StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));
  static final Region REGION = Region.US_EAST_1;

  /** Which server. */
  enum Kind {
    /** dynalite: no Streams, no TTL, no item returned on a failed condition. */
    DYNALITE,
    /** dynoxide: Streams (one shard), the item on a failed condition; TTL stored, never applied. */
    DYNOXIDE
  }

  private TestDynamo() {}

  /** One server process with its data in a directory of its own, so that it can restart with it. */
  static final class Server implements AutoCloseable {
    final Kind kind;
    final int port;
    private final Path data;
    private final boolean persistent;
    private Process process;

    /** A server that keeps its data in memory. */
    Server(Kind kind) {
      this(kind, false);
    }

    /** A server that keeps its data on disk if {@code persistent}, so that it restarts with it. */
    Server(Kind kind, boolean persistent) {
      this.kind = kind;
      this.persistent = persistent;
      this.port = freePort();
      try {
        this.data = Files.createTempDirectory("reactserver-" + kind.name().toLowerCase());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      start();
    }

    URI endpoint() {
      return URI.create("http://127.0.0.1:" + port);
    }

    synchronized void start() {
      Path servers = Path.of(System.getProperty("reactserver.dynamodb.servers", "target/dynamodb-servers"));
      List<String> command = new ArrayList<>();
      Path program;
      if (kind == Kind.DYNALITE) {
        program = servers.resolve("node_modules/dynalite/cli.js");
        command.addAll(List.of("node", program.toString(), "--host", "127.0.0.1", "--port", Integer.toString(port),
            "--createTableMs", "0", "--deleteTableMs", "0", "--updateTableMs", "0"));
        if (persistent) {
          command.addAll(List.of("--path", data.resolve("db").toString()));
        }
      } else {
        program = servers.resolve("node_modules/@dynoxide/linux-x64/dynoxide");
        command.addAll(List.of(program.toString(), "serve", "--host", "127.0.0.1", "--port", Integer.toString(port)));
        if (persistent) {
          command.addAll(List.of("--db-path", data.resolve("dynoxide.db").toString()));
        }
      }
      if (!Files.exists(program)) {
        throw new AssertionError(program + " is missing: the build installs it with npm (mvn test, in"
            + " store-dynamodb); Node.js 20 and npm must be on the PATH (Debian: apt-get install nodejs npm)");
      }
      try {
        process = new ProcessBuilder(command).redirectErrorStream(true)
            .redirectOutput(data.resolve(kind.name().toLowerCase() + ".log").toFile()).start();
      } catch (IOException e) {
        throw new AssertionError("cannot start " + command + ": " + e.getMessage()
            + " (is Node.js installed?)", e);
      }
      awaitPort();
    }

    private void awaitPort() {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (System.nanoTime() < deadline) {
        if (!process.isAlive()) {
          throw new AssertionError(kind + " exited with " + process.exitValue() + "; see " + data);
        }
        try (Socket socket = new Socket()) {
          socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
          return;
        } catch (IOException e) {
          sleep(50);
        }
      }
      throw new AssertionError(kind + " did not listen on port " + port + " within 30 s");
    }

    synchronized void stop() {
      process.destroy();
      try {
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    @Override
    public void close() {
      stop();
    }
  }

  /** A client of {@code server} that counts its requests (every attempt sent) into {@code requests}. */
  static DynamoDbClient client(Server server, AtomicLong requests) {
    return DynamoDbClient.builder()
        .endpointOverride(server.endpoint())
        .region(REGION)
        .credentialsProvider(CREDENTIALS)
        .httpClientBuilder(UrlConnectionHttpClient.builder().socketTimeout(Duration.ofSeconds(2)))
        .overrideConfiguration(c -> c.addExecutionInterceptor(new ExecutionInterceptor() {
          @Override
          public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
            requests.incrementAndGet();
          }
        }))
        .build();
  }

  static DynamoDbStreamsClient streamsClient(Server server) {
    return DynamoDbStreamsClient.builder()
        .endpointOverride(server.endpoint())
        .region(REGION)
        .credentialsProvider(CREDENTIALS)
        .httpClient(UrlConnectionHttpClient.builder().socketTimeout(Duration.ofSeconds(2)).build())
        .build();
  }

  /** A builder of a store of its own on {@code server}: its own clients, which it closes. */
  static DynamoDbStore.Builder storeBuilder(Server server, String table) {
    DynamoDbStore.Builder builder = DynamoDbStore.builder(table).endpoint(server.endpoint()).region(REGION)
        .credentials(CREDENTIALS).commandTimeout(Duration.ofSeconds(2));
    return server.kind == Kind.DYNALITE ? builder.changes(false) : builder;
  }

  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
