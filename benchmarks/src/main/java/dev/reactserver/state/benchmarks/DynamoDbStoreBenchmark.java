package dev.reactserver.state.benchmarks;

import dev.reactserver.state.dynamodb.DynamoDbStore;
import dev.reactserver.state.runtime.StateContext;
import dev.reactserver.state.runtime.StateId;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;

/**
 * Accessors on the DynamoDB store against the raw SDK (the same client: URL connection HTTP client)
 * making the same call on the same item of the same server: {@code GetItem} (strongly consistent),
 * {@code UpdateItem SET}, {@code UpdateItem ADD}, and binding a four-state component against one
 * {@code BatchGetItem} of its four items. The server is dynoxide 1.2.1 (installed by the build from the
 * npm registry) in memory, with its stream on, as the store needs it. One thread, and 16 threads each on
 * a client of its own; increments also by 16 threads on one shared state.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class DynamoDbStoreBenchmark {

  /** The server, the store and the raw client, shared by the threads. */
  @State(Scope.Benchmark)
  public static class Server {
    Dynoxide dynoxide;
    DynamoDbStore store;
    DynamoDbClient raw;
    final AtomicInteger clients = new AtomicInteger();

    @Setup(Level.Trial)
    public void start() throws IOException, InterruptedException {
      dynoxide = new Dynoxide();
      URI endpoint = dynoxide.endpoint();
      StaticCredentialsProvider credentials =
          StaticCredentialsProvider.create(AwsBasicCredentials.create("bench", "bench"));
      store = DynamoDbStore.builder("bench").endpoint(endpoint).region(Region.US_EAST_1).credentials(credentials)
          .build();
      raw = DynamoDbClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
          .credentialsProvider(credentials).httpClientBuilder(UrlConnectionHttpClient.builder()).build();
    }

    @TearDown(Level.Trial)
    public void stop() throws InterruptedException {
      raw.close();
      store.close();
      dynoxide.close();
    }
  }

  /** Each thread's own client of the component, and the keys of its items. */
  @State(Scope.Thread)
  public static class Client {
    StateContext ctx;
    BenchCart component;
    BenchCartStates cart;
    Map<String, AttributeValue> countKey;
    Map<String, AttributeValue> visitsKey;
    List<Map<String, AttributeValue>> fourKeys;
    int next;

    @Setup(Level.Trial)
    public void bind(Server server) {
      int n = server.clients.incrementAndGet();
      ctx = StateContext.of(server.store).withClient("c-" + n).withUser("u-" + n).forComponent("cart#" + n);
      component = new BenchCart();
      cart = BenchCartStates.bind(ctx, component);
      countKey = key(cart.countState().id());
      visitsKey = key(cart.visitsState().id());
      fourKeys = List.of(countKey, key(cart.pointsState().id()), key(cart.totalState().id()),
          key(cart.visitsState().id()));
    }

    /** The key the store gives the item of {@code id} (short ids are held as {@code "=" + text}). */
    private static Map<String, AttributeValue> key(StateId id) {
      return Map.of("pk", AttributeValue.fromS("=" + id.scope()), "sk", AttributeValue.fromS("=" + id.key()));
    }
  }

  @Benchmark
  @Threads(1)
  public int getThroughStore(Client client) {
    return client.cart.getCount();
  }

  @Benchmark
  @Threads(1)
  public Map<String, AttributeValue> getRaw(Server server, Client client) {
    return server.raw.getItem(b -> b.tableName("bench").key(client.countKey).consistentRead(true)).item();
  }

  @Benchmark
  @Threads(1)
  public void setThroughStore(Client client) {
    client.cart.setCount(client.next++ & 1023);
  }

  @Benchmark
  @Threads(1)
  public Object setRaw(Server server, Client client) {
    return server.raw.updateItem(b -> b.tableName("bench").key(client.countKey).updateExpression("SET n = :n")
        .expressionAttributeValues(Map.of(":n", AttributeValue.fromN(Integer.toString(client.next++ & 1023)))));
  }

  @Benchmark
  @Threads(1)
  public int incrementThroughStore(Client client) {
    return client.cart.incrementCount(1);
  }

  @Benchmark
  @Threads(1)
  public Object incrementRaw(Server server, Client client) {
    return add(server, client.countKey);
  }

  @Benchmark
  @Threads(16)
  public long incrementSharedThroughStore16Threads(Client client) {
    return client.cart.incrementVisits(1);
  }

  @Benchmark
  @Threads(16)
  public Object incrementSharedRaw16Threads(Server server, Client client) {
    return add(server, client.visitsKey);
  }

  private static Object add(Server server, Map<String, AttributeValue> key) {
    return server.raw.updateItem(b -> b.tableName("bench").key(key).updateExpression("ADD n :one")
        .expressionAttributeValues(Map.of(":one", AttributeValue.fromN("1"))));
  }

  @Benchmark
  @Threads(1)
  public BenchCartStates bindThroughStore(Client client) {
    return BenchCartStates.bind(client.ctx, client.component);
  }

  @Benchmark
  @Threads(1)
  public Object bindRaw(Server server, Client client) {
    return server.raw.batchGetItem(b -> b.requestItems(
        Map.of("bench", KeysAndAttributes.builder().keys(client.fourKeys).consistentRead(true).build())));
  }

  @Benchmark
  @Threads(16)
  public int getThroughStore16Threads(Client client) {
    return getThroughStore(client);
  }

  @Benchmark
  @Threads(16)
  public Object getRaw16Threads(Server server, Client client) {
    return getRaw(server, client);
  }

  @Benchmark
  @Threads(16)
  public void setThroughStore16Threads(Client client) {
    setThroughStore(client);
  }

  @Benchmark
  @Threads(16)
  public Object setRaw16Threads(Server server, Client client) {
    return setRaw(server, client);
  }

  @Benchmark
  @Threads(16)
  public int incrementThroughStore16Threads(Client client) {
    return incrementThroughStore(client);
  }

  @Benchmark
  @Threads(16)
  public Object incrementRaw16Threads(Server server, Client client) {
    return incrementRaw(server, client);
  }

  @Benchmark
  @Threads(16)
  public BenchCartStates bindThroughStore16Threads(Client client) {
    return bindThroughStore(client);
  }

  @Benchmark
  @Threads(16)
  public Object bindRaw16Threads(Server server, Client client) {
    return bindRaw(server, client);
  }
}
