package dev.reactserver.state.benchmarks;

import dev.reactserver.state.dynamodb.DynamoDbStore;
import dev.reactserver.state.runtime.StateContext;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.Warmup;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The cold start of an AWS Lambda container on the DynamoDB store: the first invocation in a fresh JVM
 * (a fork each, nothing warmed), which builds the serverless store (its client, the table's check),
 * binds a four-state component for a new client and increments one state. The table exists, made with
 * plain HTTP so that no class of the AWS SDK is loaded before the measurement; the server is dynoxide
 * on loopback, so the figure is the JVM's and the library's part of a cold start, not the network's.
 * The baseline is the same first invocation on the raw SDK: its client and one {@code UpdateItem ADD}.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 0)
@Measurement(iterations = 1)
@Fork(10)
public class DynamoDbColdStartBenchmark {

  private static final String TABLE = "cold-start";

  /** The server and the table, before the container starts. */
  @State(Scope.Benchmark)
  public static class Container {
    Dynoxide dynoxide;
    DynamoDbStore store;
    DynamoDbClient raw;

    @Setup(Level.Trial)
    public void start() throws IOException, InterruptedException {
      dynoxide = new Dynoxide();
      dynoxide.createStoreTable(TABLE);
    }

    @TearDown(Level.Trial)
    public void stop() throws InterruptedException {
      if (store != null) {
        store.close();
      }
      if (raw != null) {
        raw.close();
      }
      dynoxide.close();
    }
  }

  @Benchmark
  public int firstInvocation(Container container) {
    container.store = DynamoDbStore.builder(TABLE).endpoint(container.dynoxide.endpoint()).region(Region.US_EAST_1)
        .credentials(StaticCredentialsProvider.create(AwsBasicCredentials.create("bench", "bench"))).serverless()
        .build();
    StateContext ctx = StateContext.of(container.store).withClient("c1").withUser("u1").forComponent("cart#1");
    return BenchCartStates.bind(ctx, new BenchCart()).incrementCount(1);
  }

  /** The baseline: the same container with the raw SDK, a client as the store builds it and one UpdateItem ADD. */
  @Benchmark
  public String firstRawCall(Container container) {
    container.raw = DynamoDbClient.builder().endpointOverride(container.dynoxide.endpoint()).region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("bench", "bench")))
        .httpClientBuilder(UrlConnectionHttpClient.builder()).build();
    return container.raw.updateItem(b -> b.tableName(TABLE)
        .key(Map.of("pk", AttributeValue.fromS("=c1"), "sk", AttributeValue.fromS("=count")))
        .updateExpression("ADD n :one").expressionAttributeValues(Map.of(":one", AttributeValue.fromN("1"))))
        .toString();
  }
}
