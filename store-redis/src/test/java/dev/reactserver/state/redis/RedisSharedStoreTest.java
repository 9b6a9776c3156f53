package dev.reactserver.state.redis;

import dev.reactserver.state.runtime.Store;
import dev.reactserver.state.tck.SharedStoreConformanceTest;
import dev.reactserver.state.tck.TcpProxy;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.event.command.CommandListener;
import io.lettuce.core.event.command.CommandStartedEvent;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import redis.embedded.RedisServer;

/**
 * Several Redis store instances on one real Redis of this class's own (started from the embedded-redis
 * artifact with an append-only file, so that it can be stopped and started again with its data).
 */
class RedisSharedStoreTest extends SharedStoreConformanceTest {

  /** Commands a connection sends by itself (a reconnecting store, for example): not the test's round trips. */
  private static final Set<String> CONNECTION_COMMANDS =
      Set.of("HELLO", "CLIENT", "SUBSCRIBE", "PSUBSCRIBE", "PING", "SELECT", "AUTH", "SCRIPT");
  /** Data commands sent by any store of this class. */
  private static final AtomicLong COMMANDS = new AtomicLong();
  private static RedisServer server;
  private static RedisClient client;
  private static RedisURI uri;

  @BeforeAll
  static void startRedis() throws IOException {
    int port = TestRedis.freePort();
    Path data = Files.createTempDirectory("reactserver-redis");
    server = RedisServer.newRedisServer().port(port)
        .setting("appendonly yes")
        .setting("appendfsync always")
        .setting("dir " + data)
        .build();
    server.start();
    uri = RedisURI.create("redis://localhost:" + port);
    client = RedisClient.create();
    client.setOptions(ClientOptions.builder()
        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
        .build());
    client.addListener(new CommandListener() {
      @Override
      public void commandStarted(CommandStartedEvent event) {
        if (!CONNECTION_COMMANDS.contains(event.getCommand().getType().toString())) {
          COMMANDS.incrementAndGet();
        }
      }
    });
  }

  @AfterAll
  static void stopRedis() throws IOException {
    client.shutdown();
    server.stop();
  }

  @Override
  protected Store newStore(String namespace, Settings settings) {
    return RedisStore.builder(uri).client(client).prefix(namespace)
        .commandTimeout(Duration.ofSeconds(1))
        .idleClientTimeout(settings.idleClientTimeout())
        .updateAttempts(settings.updateAttempts())
        .resetUndecodableStates(settings.resetUndecodable())
        .build();
  }

  @Override
  protected Store newStoreThrough(String namespace, TcpProxy proxy) {
    return RedisStore.builder("redis://localhost:" + proxy.port()).prefix(namespace)
        .commandTimeout(Duration.ofSeconds(1)).build();
  }

  @Override
  protected InetSocketAddress serverAddress() {
    return new InetSocketAddress("localhost", uri.getPort());
  }

  @Override
  protected void close(Store store) {
    ((RedisStore) store).close();
  }

  @Override
  protected void stopServer() {
    TestRedis.stop(server);
  }

  @Override
  protected void startServer() {
    try {
      server.start();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Override
  protected long roundTrips() {
    return COMMANDS.get();
  }
}
