package dev.reactserver.state.dynamodb;

import dev.reactserver.state.runtime.StateException;
import dev.reactserver.state.runtime.StoreUnavailableException;
import java.util.List;
import java.util.stream.Collectors;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.StreamSpecification;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;

/** Creates the store's table if it is missing, and checks that it has the layout the store needs. */
final class TableSetup {

  private static final System.Logger LOG = System.getLogger("dev.reactserver.state");
  private static final long ACTIVE_WITHIN_MILLIS = 120_000;

  private final DynamoDbClient client;
  private final String table;
  private final boolean stream;
  private final AwsRequestOverrideConfiguration timeout;

  TableSetup(DynamoDbClient client, String table, boolean stream, AwsRequestOverrideConfiguration timeout) {
    this.client = client;
    this.table = table;
    this.stream = stream;
    this.timeout = timeout;
  }

  /** The AWS CLI command that creates the table as the store would. */
  static String createCommand(String table) {
    return "aws dynamodb create-table --table-name " + table
        + " --attribute-definitions AttributeName=pk,AttributeType=S AttributeName=sk,AttributeType=S"
        + " --key-schema AttributeName=pk,KeyType=HASH AttributeName=sk,KeyType=RANGE"
        + " --billing-mode PAY_PER_REQUEST"
        + " --stream-specification StreamEnabled=true,StreamViewType=NEW_AND_OLD_IMAGES"
        + " && aws dynamodb update-time-to-live --table-name " + table
        + " --time-to-live-specification Enabled=true,AttributeName=ttl";
  }

  /** Creates the table unless it exists, waits until it is active, checks it; its stream's ARN, or null. */
  String createIfMissing() {
    if (describe() == null) {
      try {
        run(() -> client.createTable(b -> b.tableName(table)
            .attributeDefinitions(attribute(Items.PK), attribute(Items.SK))
            .keySchema(key(Items.PK, KeyType.HASH), key(Items.SK, KeyType.RANGE))
            .billingMode(BillingMode.PAY_PER_REQUEST)
            .streamSpecification(stream ? StreamSpecification.builder().streamEnabled(true)
                .streamViewType(StreamViewType.NEW_AND_OLD_IMAGES).build() : null)
            .overrideConfiguration(timeout)));
      } catch (ResourceInUseException e) {
        // another instance creates it: wait for it below
      }
      awaitActive();
      enableTimeToLive();
    }
    return check();
  }

  /** Checks the table's key schema (and stream); its stream's ARN, or null without changes. */
  String check() {
    TableDescription description = awaitActive();
    List<KeySchemaElement> keys = description.keySchema();
    boolean keysRight = keys.size() == 2 && keys.contains(key(Items.PK, KeyType.HASH))
        && keys.contains(key(Items.SK, KeyType.RANGE))
        && description.attributeDefinitions().contains(attribute(Items.PK))
        && description.attributeDefinitions().contains(attribute(Items.SK));
    if (!keysRight) {
      throw new StateException("the DynamoDB table " + table + " has the keys " + keys.stream()
          .map(k -> k.attributeName() + " (" + k.keyTypeAsString() + ")").collect(Collectors.joining(", "))
          + ", but the store needs pk (HASH, string) and sk (RANGE, string); create it with: "
          + createCommand(table));
    }
    if (!stream) {
      return null;
    }
    if (description.streamSpecification() == null || !Boolean.TRUE.equals(description.streamSpecification().streamEnabled())
        || description.streamSpecification().streamViewType() != StreamViewType.NEW_AND_OLD_IMAGES
        || description.latestStreamArn() == null) {
      throw new StateException("the DynamoDB table " + table + " has no stream of NEW_AND_OLD_IMAGES, which"
          + " tells every instance's listeners of each change: enable it with aws dynamodb update-table"
          + " --table-name " + table + " --stream-specification StreamEnabled=true,StreamViewType=NEW_AND_OLD_IMAGES,"
          + " or build the store with changes(false)");
    }
    return description.latestStreamArn();
  }

  private TableDescription awaitActive() {
    long deadline = System.currentTimeMillis() + ACTIVE_WITHIN_MILLIS;
    while (true) {
      TableDescription description = describe();
      if (description == null) {
        throw new StateException("the DynamoDB table " + table + " does not exist: create it with: "
            + createCommand(table) + " (or build the store with createTable(true))");
      }
      if (description.tableStatus() == TableStatus.ACTIVE) {
        return description;
      }
      if (System.currentTimeMillis() > deadline) {
        throw new StoreUnavailableException("the DynamoDB table " + table + " is " + description.tableStatusAsString()
            + ", not ACTIVE, after " + ACTIVE_WITHIN_MILLIS / 1000 + " s", null);
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new StoreUnavailableException("interrupted while waiting for the table " + table, e);
      }
    }
  }

  private TableDescription describe() {
    try {
      return run(() -> client.describeTable(b -> b.tableName(table).overrideConfiguration(timeout))).table();
    } catch (ResourceNotFoundException e) {
      return null;
    }
  }

  /** Expired client states are deleted by the store's sweep; the TTL deletes what no sweep reached. */
  private void enableTimeToLive() {
    try {
      run(() -> client.updateTimeToLive(b -> b.tableName(table)
          .timeToLiveSpecification(t -> t.enabled(true).attributeName(Items.TTL))
          .overrideConfiguration(timeout)));
    } catch (DynamoDbException e) {
      LOG.log(System.Logger.Level.INFO, "the DynamoDB server does not take a TTL for " + table + " ("
          + e.getMessage() + "); expired client states are removed by the store's sweep");
    }
  }

  private static <T> T run(java.util.function.Supplier<T> call) {
    try {
      return call.get();
    } catch (ResourceNotFoundException | ResourceInUseException e) {
      throw e;
    } catch (DynamoDbException e) {
      if (DynamoDbCalls.unavailable(e)) {
        throw new StoreUnavailableException("DynamoDB is unavailable: " + e.getMessage(), e);
      }
      throw e;
    } catch (SdkException e) {
      throw new StoreUnavailableException("DynamoDB is unavailable: " + e.getMessage(), e);
    }
  }

  private static AttributeDefinition attribute(String name) {
    return AttributeDefinition.builder().attributeName(name).attributeType(ScalarAttributeType.S).build();
  }

  private static KeySchemaElement key(String name, KeyType type) {
    return KeySchemaElement.builder().attributeName(name).keyType(type).build();
  }
}
