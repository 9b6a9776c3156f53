package dev.reactserver.state.dynamodb;

import static dev.reactserver.state.dynamodb.Items.EXPIRES;
import static dev.reactserver.state.dynamodb.Items.HOLD;
import static dev.reactserver.state.dynamodb.Items.HOLD_UNTIL;
import static dev.reactserver.state.dynamodb.Items.PK;
import static dev.reactserver.state.dynamodb.Items.SK;
import static dev.reactserver.state.dynamodb.Items.TTL;
import static dev.reactserver.state.dynamodb.Items.text;

import dev.reactserver.state.remote.spi.StoreMessages;
import dev.reactserver.state.runtime.StateException;
import dev.reactserver.state.runtime.StoreUnavailableException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * The store's calls of the SDK on its table: each bounded by the command timeout, SDK failures told as
 * the store's exceptions, batches split to DynamoDB's limits with unprocessed items sent again after a
 * back-off, and queries and scans read page by page.
 */
final class DynamoDbCalls {

  private static final int BATCH_GET_LIMIT = 100;
  private static final int BATCH_WRITE_LIMIT = 25;
  private static final int UNPROCESSED_ATTEMPTS = 10;
  private static final Map<String, String> NAMES =
      Map.of("#exp", EXPIRES, "#ttl", TTL, "#hold", HOLD, "#until", HOLD_UNTIL);
  private static final Pattern NAME = Pattern.compile("#[a-z]+");

  private final DynamoDbClient client;
  private final String table;
  /** The per-call timeout for a client the application gave; null for the store's own (bounded already). */
  private final AwsRequestOverrideConfiguration timeout;

  DynamoDbCalls(DynamoDbClient client, String table, AwsRequestOverrideConfiguration timeout) {
    this.client = client;
    this.table = table;
    this.timeout = timeout;
  }

  DynamoDbClient client() {
    return client;
  }

  String table() {
    return table;
  }

  AwsRequestOverrideConfiguration timeout() {
    return timeout;
  }

  /**
   * Runs one call of the SDK: throttling, a server that does not answer within the command timeout, or
   * one that fails are a {@link StoreUnavailableException}; a refusal is a {@link StateException}; a
   * failed condition is rethrown as it is.
   */
  <T> T call(String what, Supplier<T> call) {
    try {
      return call.get();
    } catch (ConditionalCheckFailedException e) {
      throw e;
    } catch (DynamoDbException e) {
      throw unavailable(e) ? StoreMessages.unavailable("DynamoDB", what, e)
          : StoreMessages.refused("DynamoDB", what, e);
    } catch (SdkException e) {
      throw StoreMessages.unavailable("DynamoDB", what, e);
    }
  }

  static boolean unavailable(DynamoDbException e) {
    return e.isThrottlingException() || e.statusCode() >= 500 || e.statusCode() == 0
        || "ProvisionedThroughputExceededException".equals(errorCode(e))
        || "RequestLimitExceeded".equals(errorCode(e));
  }

  private static String errorCode(DynamoDbException e) {
    return e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
  }

  /** The attribute names that {@code expressions} use: DynamoDB refuses names an expression does not use. */
  static Map<String, String> attributeNames(String... expressions) {
    Map<String, String> used = new HashMap<>();
    for (String expression : expressions) {
      Matcher name = NAME.matcher(expression);
      while (name.find()) {
        used.put(name.group(), NAMES.get(name.group()));
      }
    }
    return used.isEmpty() ? null : used;
  }

  /** The items of {@code keys}, read strongly consistent, by key ({@link Items#PK} and {@link Items#SK}). */
  Map<Map<String, AttributeValue>, Map<String, AttributeValue>> batchGet(
      Collection<Map<String, AttributeValue>> keys, String what) {
    Map<Map<String, AttributeValue>, Map<String, AttributeValue>> found = new HashMap<>();
    List<Map<String, AttributeValue>> all = new ArrayList<>(keys);
    for (int from = 0; from < all.size(); from += BATCH_GET_LIMIT) {
      List<Map<String, AttributeValue>> chunk = all.subList(from, Math.min(all.size(), from + BATCH_GET_LIMIT));
      Map<String, KeysAndAttributes> request =
          Map.of(table, KeysAndAttributes.builder().keys(chunk).consistentRead(true).build());
      for (int attempt = 0; !request.isEmpty(); attempt++) {
        Map<String, KeysAndAttributes> asked = request;
        BatchGetItemResponse response =
            call(what, () -> client.batchGetItem(b -> b.requestItems(asked).overrideConfiguration(timeout)));
        for (Map<String, AttributeValue> item : response.responses().getOrDefault(table, List.of())) {
          found.put(Map.of(PK, item.get(PK), SK, item.get(SK)), item);
        }
        request = response.unprocessedKeys();
        if (!request.isEmpty()) {
          backOff(attempt, what);
        }
      }
    }
    return found;
  }

  /** Runs {@code writes}, 25 a request, unprocessed ones again. */
  void batchWrite(String what, List<WriteRequest> writes) {
    for (int from = 0; from < writes.size(); from += BATCH_WRITE_LIMIT) {
      Map<String, List<WriteRequest>> request =
          Map.of(table, List.copyOf(writes.subList(from, Math.min(writes.size(), from + BATCH_WRITE_LIMIT))));
      for (int attempt = 0; !request.isEmpty(); attempt++) {
        var asked = request;
        request = call(what, () -> client.batchWriteItem(b -> b.requestItems(asked).overrideConfiguration(timeout)))
            .unprocessedItems();
        if (!request.isEmpty()) {
          backOff(attempt, what);
        }
      }
    }
  }

  /** Every item of a partition, strongly consistent, page by page. */
  List<Map<String, AttributeValue>> query(String partition) {
    List<Map<String, AttributeValue>> items = new ArrayList<>();
    Map<String, AttributeValue> start = null;
    do {
      Map<String, AttributeValue> from = start;
      QueryResponse page = call("list " + partition, () -> client.query(b -> b.tableName(table)
          .keyConditionExpression(PK + " = :pk")
          .expressionAttributeValues(Map.of(":pk", text(partition)))
          .consistentRead(true)
          .exclusiveStartKey(from)
          .overrideConfiguration(timeout)));
      items.addAll(page.items());
      start = next(page.hasLastEvaluatedKey(), page.lastEvaluatedKey());
    } while (start != null);
    return items;
  }

  /** Scans the table page by page, each page's items to {@code items}; {@code request} adds filters. */
  void scan(String what, Function<ScanRequest.Builder, ScanRequest.Builder> request,
      Consumer<List<Map<String, AttributeValue>>> items) {
    Map<String, AttributeValue> start = null;
    do {
      Map<String, AttributeValue> from = start;
      ScanResponse page = call(what, () -> client.scan(b -> request.apply(b.tableName(table))
          .exclusiveStartKey(from).overrideConfiguration(timeout)));
      items.accept(page.items());
      start = next(page.hasLastEvaluatedKey(), page.lastEvaluatedKey());
    } while (start != null);
  }

  private static Map<String, AttributeValue> next(boolean hasLast, Map<String, AttributeValue> last) {
    return hasLast && !last.isEmpty() ? last : null;
  }

  private static void backOff(int attempt, String what) {
    if (attempt >= UNPROCESSED_ATTEMPTS) {
      throw new StoreUnavailableException("DynamoDB kept leaving items unprocessed (" + what + ")", null);
    }
    try {
      Thread.sleep(Math.min(500, 10L << attempt));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreUnavailableException("interrupted while waiting for DynamoDB (" + what + ")", e);
    }
  }
}
