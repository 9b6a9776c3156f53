package dev.reactserver.state.benchmarks;

import dev.reactserver.state.dynamodb.DynamoDbStore;
import dev.reactserver.state.runtime.StateId;
import dev.reactserver.state.runtime.Store;
import java.net.URI;
import java.util.List;
import java.util.Map;
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
 * a client of its own or all on one shared state.
 */
public class DynamoDbStoreBenchmark extends StoreBenchmark<List<Map<String, AttributeValue>>> {

  private Dynoxide dynoxide;
  private DynamoDbStore store;
  private DynamoDbClient raw;

  @Override
  protected Store start() throws Exception {
    dynoxide = new Dynoxide();
    URI endpoint = dynoxide.endpoint();
    StaticCredentialsProvider credentials =
        StaticCredentialsProvider.create(AwsBasicCredentials.create("bench", "bench"));
    store = DynamoDbStore.builder("bench").endpoint(endpoint).region(Region.US_EAST_1).credentials(credentials)
        .build();
    raw = DynamoDbClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
        .credentialsProvider(credentials).httpClientBuilder(UrlConnectionHttpClient.builder()).build();
    return store;
  }

  @Override
  protected ProcessHandle serverProcess() {
    return dynoxide.process();
  }

  @Override
  protected void stop() throws Exception {
    raw.close();
    store.close();
    dynoxide.close();
  }

  /** The keys the store gives the items of the states (short ids are held as {@code "=" + text}). */
  @Override
  protected List<Map<String, AttributeValue>> keysOf(BenchCartStates cart) {
    return List.of(key(cart.countState().id()), key(cart.pointsState().id()), key(cart.totalState().id()),
        key(cart.visitsState().id()));
  }

  private static Map<String, AttributeValue> key(StateId id) {
    return Map.of("pk", AttributeValue.fromS("=" + id.scope()), "sk", AttributeValue.fromS("=" + id.key()));
  }

  @Override
  protected Object rawGet(List<Map<String, AttributeValue>> keys, boolean shared) {
    return raw.getItem(b -> b.tableName("bench").key(keys.get(shared ? 3 : 0)).consistentRead(true)).item();
  }

  @Override
  protected Object rawSet(List<Map<String, AttributeValue>> keys, boolean shared, int value) {
    return raw.updateItem(b -> b.tableName("bench").key(keys.get(shared ? 3 : 0)).updateExpression("SET n = :n")
        .expressionAttributeValues(Map.of(":n", AttributeValue.fromN(Integer.toString(value)))));
  }

  @Override
  protected Object rawIncrement(List<Map<String, AttributeValue>> keys, boolean shared) {
    return raw.updateItem(b -> b.tableName("bench").key(keys.get(shared ? 3 : 0)).updateExpression("ADD n :one")
        .expressionAttributeValues(Map.of(":one", AttributeValue.fromN("1"))));
  }

  @Override
  protected Object rawBind(List<Map<String, AttributeValue>> keys) {
    return raw.batchGetItem(b -> b.requestItems(
        Map.of("bench", KeysAndAttributes.builder().keys(keys).consistentRead(true).build())));
  }
}
