package dev.reactserver.state.dynamodb;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.reactserver.state.runtime.StateContext;
import dev.reactserver.state.runtime.StateException;
import dev.reactserver.state.runtime.StateRef;
import dev.reactserver.state.runtime.spi.StateDeclaration;
import dev.reactserver.state.runtime.spi.StateType;
import dev.reactserver.state.runtime.spi.StateValues;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/** What is particular to the DynamoDB store: its table, its limits, its round trips, serverless mode. */
class DynamoDbStoreTest {

  private static final AtomicInteger TABLES = new AtomicInteger();
  private static final AtomicLong REQUESTS = new AtomicLong();
  private static final StateDeclaration<Integer> ITEMS =
      StateDeclaration.of("shop.Cart", "items", "items", "cart.$client", StateType.of(int.class));
  private static final StateDeclaration<Double> TOTAL =
      StateDeclaration.of("shop.Cart", "total", "total", "shop", StateType.of(double.class));
  private static final StateDeclaration<String> NOTE =
      StateDeclaration.of("shop.Note", "text", "text", "notes", StateType.of(String.class));
  private static TestDynamo.Server server;
  private static DynamoDbClient client;

  @BeforeAll
  static void startServer() {
    server = new TestDynamo.Server(TestDynamo.Kind.DYNALITE);
    client = TestDynamo.client(server, REQUESTS);
  }

  @AfterAll
  static void stopServer() {
    client.close();
    server.close();
  }

  private static String freshTable() {
    return "store-test-" + TABLES.incrementAndGet();
  }

  @Test
  void aTableItCreatesHoldsStatesAsDocumented() {
    String table = freshTable();
    try (DynamoDbStore store = DynamoDbStore.builder(table).client(client).changes(false).build()) {
      StateContext.of(store).withClient("c1").bind(ITEMS, 3);

      Map<String, AttributeValue> item = client.getItem(b -> b.tableName(table).consistentRead(true)
          .key(Map.of("pk", AttributeValue.fromS("=cart.$client(c1)"), "sk", AttributeValue.fromS("=items"))))
          .item();
      Map<String, AttributeValue> link = client.getItem(b -> b.tableName(table).consistentRead(true)
          .key(Map.of("pk", AttributeValue.fromS("@=$client(c1)"), "sk", AttributeValue.fromS("=cart.$client(c1)"))))
          .item();

      assertThat(item.get("s").s()).isEqualTo("cart.$client(c1)");
      assertThat(item.get("k").s()).isEqualTo("items");
      assertThat(item.get("n").n()).isEqualTo("3");
      assertThat(item.get("ver").n()).isEqualTo("1");
      assertThat(item.get("c").s()).isEqualTo("{\"v\":1,\"component\":\"shop.Cart\",\"field\":\"items\",\"type\":\"int\"}");
      assertThat(item.get("t").s()).isEqualTo("java.lang.Integer");
      assertThat(Long.parseLong(item.get("exp").n())).isGreaterThan(System.currentTimeMillis());
      assertThat(Long.parseLong(item.get("ttl").n())).isEqualTo(Long.parseLong(item.get("exp").n()) / 1000 + 1);
      assertThat(link.get("s").s()).isEqualTo("cart.$client(c1)");
      var keys = client.describeTable(b -> b.tableName(table)).table().keySchema();
      assertThat(keys.stream().map(k -> k.attributeName() + " " + k.keyType()).toList())
          .containsExactly("pk " + KeyType.HASH, "sk " + KeyType.RANGE);
    }
  }

  /**
   * The SDK finds no region or credentials of its own here: the build runs the tests with its own
   * (absent) AWS config files and the instance metadata service disabled; a developer's AWS environment
   * variables would give it some.
   */
  private static void assumeNoAwsEnvironment() {
    for (String name : List.of("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ACCESS_KEY_ID", "AWS_PROFILE",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_WEB_IDENTITY_TOKEN_FILE")) {
      assumeTrue(System.getenv(name) == null, name + " is set: the SDK would find a region or credentials");
    }
    assumeTrue("true".equals(System.getenv("AWS_EC2_METADATA_DISABLED")), "instance metadata would be asked");
  }

  @Test
  void anEndpointWithoutARegionFailsAtBuildSayingWhatToSet() {
    assumeNoAwsEnvironment();
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> DynamoDbStore.builder(freshTable())
        .endpoint(server.endpoint()).credentials(TestDynamo.CREDENTIALS).build());
    assertThat(e).hasMessageThat().contains("the DynamoDB store has no AWS region (an endpoint alone does not name one)");
    assertThat(e).hasMessageThat().contains(".region(Region.US_EAST_1)");
  }

  @Test
  void aRegionWithoutCredentialsFailsAtBuildAsASetupMistakeNotAsAnOutage() {
    assumeNoAwsEnvironment();
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> DynamoDbStore.builder(freshTable())
        .endpoint(server.endpoint()).region(TestDynamo.REGION).build());
    assertThat(e).hasMessageThat().contains("the DynamoDB store has no AWS credentials");
    assertThat(e).hasMessageThat().contains("StaticCredentialsProvider.create(AwsBasicCredentials.create(");
    // With only the streams client the store's own, the same.
    IllegalStateException streams = assertThrows(IllegalStateException.class, () -> DynamoDbStore.builder(freshTable())
        .client(client).endpoint(server.endpoint()).region(TestDynamo.REGION).build());
    assertThat(streams).hasMessageThat().contains("no AWS credentials");
  }

  @Test
  void aMissingTableOrOneWithOtherKeysIsNamedWithTheCommandThatCreatesIt() {
    String missing = freshTable();
    String other = freshTable();
    client.createTable(b -> b.tableName(other)
        .attributeDefinitions(AttributeDefinition.builder().attributeName("id").attributeType(ScalarAttributeType.S)
            .build())
        .keySchema(KeySchemaElement.builder().attributeName("id").keyType(KeyType.HASH).build())
        .billingMode("PAY_PER_REQUEST"));

    StateException none = assertThrows(StateException.class,
        () -> DynamoDbStore.builder(missing).client(client).changes(false).createTable(false).build());
    StateException wrong = assertThrows(StateException.class,
        () -> DynamoDbStore.builder(other).client(client).changes(false).build());

    assertThat(none).hasMessageThat().contains("does not exist: create it with: aws dynamodb create-table"
        + " --table-name " + missing);
    assertThat(wrong).hasMessageThat().contains("has the keys id (HASH), but the store needs pk (HASH, string)"
        + " and sk (RANGE, string)");
  }

  @Test
  void aStateTooLargeForAnItemFailsNamingItBeforeAnythingIsSent() {
    try (DynamoDbStore store = DynamoDbStore.builder(freshTable()).client(client).changes(false).build()) {
      StateRef<String> note = StateContext.of(store).bind(NOTE, "short");
      long before = REQUESTS.get();

      StateException e = assertThrows(StateException.class, () -> note.set("x".repeat(410_000)));

      assertThat(e).hasMessageThat().contains("state notes:text cannot be stored by DynamoDbStore: its item"
          + " would take 410");
      assertThat(e).hasMessageThat().contains("DynamoDB's limit of 409600 bytes (400 KB)");
      assertThat(REQUESTS.get()).isEqualTo(before);
      assertThat(note.get()).isEqualTo("short");
      note.set("y".repeat(300_000));
      assertThat(note.get()).hasLength(300_000);
    }
  }

  @Test
  void doubleIncrementsGiveTheIeeeSumNotTheDecimalOne() {
    try (DynamoDbStore store = DynamoDbStore.builder(freshTable()).client(client).changes(false).build()) {
      StateRef<Double> total = StateContext.of(store).bind(TOTAL, 0.1);

      assertThat(StateValues.addDouble(total, 0.2)).isEqualTo(0.1 + 0.2);
      assertThat(total.get()).isEqualTo(0.30000000000000004);
    }
  }

  @Test
  void bindingMoreThanAHundredExistingStatesReadsThemInBatchesOfAHundred() {
    try (DynamoDbStore store = DynamoDbStore.builder(freshTable()).client(client).changes(false).build()) {
      StateContext ctx = StateContext.of(store);
      List<StateDeclaration<Integer>> declarations = new ArrayList<>();
      for (int i = 0; i < 250; i++) {
        declarations.add(StateDeclaration.of("shop.Wide", "f" + i, "k" + i, "wide", StateType.of(int.class)));
      }
      bindAll(ctx, declarations, 1);
      long before = REQUESTS.get();

      List<StateRef<Integer>> again = bindAll(ctx, declarations, 0);

      assertThat(REQUESTS.get() - before).isEqualTo(3);
      assertThat(again.stream().map(StateRef::get).collect(Collectors.toSet())).isEqualTo(Set.of(1));
    }
  }

  private static List<StateRef<Integer>> bindAll(StateContext ctx, List<StateDeclaration<Integer>> declarations,
      int initial) {
    List<StateRef<Integer>> refs = new ArrayList<>();
    for (StateDeclaration<Integer> declaration : declarations) {
      refs.add(ctx.store().prepareState(initial, ctx.idOf(declaration), declaration));
    }
    ctx.store().loadStates(refs);
    return refs;
  }

  @Test
  void aServerlessStoreStartsNoThreadAndTreatsExpiredClientStatesAsGone() throws InterruptedException {
    Set<String> before = threadNames();
    try (DynamoDbStore store = DynamoDbStore.builder(freshTable()).client(client).serverless()
        .idleClientTimeout(Duration.ofMillis(300)).build()) {
      StateRef<Integer> items = StateContext.of(store).withClient("c1").bind(ITEMS, 3);
      items.set(4);

      Set<String> started = threadNames();
      started.removeAll(before);
      assertThat(started.stream().filter(name -> name.startsWith("reactserver-state")).toList()).isEmpty();
      Thread.sleep(500);
      assertThat(store.hasState(items.id())).isFalse();
      assertThat(store.statesIn(items.id().scope())).isEmpty();
      assertThat(StateContext.of(store).withClient("c1").bind(ITEMS, 7).get()).isEqualTo(7);
    }
  }

  private static Set<String> threadNames() {
    return Thread.getAllStackTraces().keySet().stream().map(Thread::getName).collect(Collectors.toSet());
  }
}
