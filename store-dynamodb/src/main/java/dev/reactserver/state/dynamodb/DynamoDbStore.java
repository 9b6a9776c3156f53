package dev.reactserver.state.dynamodb;

import static dev.reactserver.state.dynamodb.Items.DECLARATION;
import static dev.reactserver.state.dynamodb.Items.EXPIRES;
import static dev.reactserver.state.dynamodb.Items.HOLD;
import static dev.reactserver.state.dynamodb.Items.HOLD_UNTIL;
import static dev.reactserver.state.dynamodb.Items.NUMBER;
import static dev.reactserver.state.dynamodb.Items.PK;
import static dev.reactserver.state.dynamodb.Items.SCOPE;
import static dev.reactserver.state.dynamodb.Items.SK;
import static dev.reactserver.state.dynamodb.Items.TTL;
import static dev.reactserver.state.dynamodb.Items.TYPE;
import static dev.reactserver.state.dynamodb.Items.VALUE;
import static dev.reactserver.state.dynamodb.Items.VERSION;
import static dev.reactserver.state.dynamodb.Items.number;
import static dev.reactserver.state.dynamodb.Items.text;

import dev.reactserver.state.remote.spi.CompareAndSetResult;
import dev.reactserver.state.remote.spi.NumberKind;
import dev.reactserver.state.remote.spi.RemoteStore;
import dev.reactserver.state.remote.spi.RemoteStoreBuilder;
import dev.reactserver.state.remote.spi.StateSeed;
import dev.reactserver.state.remote.spi.StoredState;
import dev.reactserver.state.remote.spi.Written;
import dev.reactserver.state.runtime.StateException;
import dev.reactserver.state.runtime.StateId;
import dev.reactserver.state.runtime.StoreUnavailableException;
import dev.reactserver.state.runtime.spi.ResolvedScopes;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * A store on Amazon DynamoDB, for applications that run several instances or run on AWS Lambda: every
 * instance sees the same states, {@code update} is optimistic (a version compared in a
 * {@code ConditionExpression}), {@code increment} of {@code int} and {@code long} states is one
 * {@code UpdateItem ADD}, binding a component reads its existing states in one {@code BatchGetItem}, and
 * every write reaches the listeners of every instance through DynamoDB Streams.
 *
 * <pre>{@code
 * DynamoDbStore store = DynamoDbStore.builder("shop-states")
 *     .region(Region.EU_WEST_1)
 *     .build();
 * }</pre>
 *
 * <p>Layout: one table (see {@link Items}), created on first use unless {@link Builder#createTable(boolean)
 * createTable(false)}, then only checked. With {@link Builder#serverless()} the store starts no thread at
 * all. Close the store when the application stops.
 */
public final class DynamoDbStore extends RemoteStore {

  private static final System.Logger LOG = System.getLogger("dev.reactserver.state");
  private static final Pattern TABLE_NAME = Pattern.compile("[a-zA-Z0-9_.-]{3,255}");
  private static final int BATCH_GET_LIMIT = 100;
  private static final int BATCH_WRITE_LIMIT = 25;
  private static final String LIVE = "(attribute_not_exists(#exp) OR #exp >= :now)";
  private static final String NOT_HELD = "(attribute_not_exists(#hold) OR #until < :now)";
  /** The condition of every write: the state exists, has not expired, and no other update holds it. */
  private static final String WRITABLE = "attribute_exists(" + PK + ") AND " + LIVE + " AND " + NOT_HELD;
  private static final Map<String, String> NAMES =
      Map.of("#exp", EXPIRES, "#ttl", TTL, "#hold", HOLD, "#until", HOLD_UNTIL);
  private static final Pattern NAME = Pattern.compile("#[a-z]+");

  private final DynamoDbClient client;
  private final boolean ownsClient;
  private final String table;
  private final StreamReader streams;
  private final ScheduledExecutorService sweeper;
  /** Without a stream, this instance tells its own writes; per stripe of states, one at a time, in order. */
  private final ReentrantLock[] localOrder;
  private final AwsRequestOverrideConfiguration timeout;

  private DynamoDbStore(Builder builder) {
    super(builder, "dynamodb-" + builder.table);
    this.table = builder.table;
    this.ownsClient = builder.client == null;
    // Resolved once, also when only the streams client is the store's own: a setup mistake fails here.
    ClientSetup setup = ownsClient || (builder.changes && builder.streamsClient == null)
        ? ClientSetup.resolve(builder.region, builder.endpoint, builder.credentials, commandTimeout(),
            builder.serverless) : null;
    this.client = ownsClient ? setup.configure(DynamoDbClient.builder()).build() : builder.client;
    // The clients the store builds bound every call themselves; the application's get it per request.
    AwsRequestOverrideConfiguration bounded =
        AwsRequestOverrideConfiguration.builder().apiCallTimeout(commandTimeout()).build();
    this.timeout = ownsClient ? null : bounded;
    StreamReader reader = null;
    try {
      TableSetup tableSetup = new TableSetup(client, table, builder.changes, timeout);
      String streamArn = builder.createTable ? tableSetup.createIfMissing() : tableSetup.check();
      if (builder.changes) {
        DynamoDbStreamsClient streamsClient = builder.streamsClient != null ? builder.streamsClient
            : setup.configure(DynamoDbStreamsClient.builder()).build();
        reader = new StreamReader(streamsClient, builder.streamsClient == null, streamArn, this::receive,
            this::changeChannelRestored, builder.streamPollInterval, builder.streamsClient == null ? null : bounded);
      }
      this.streams = reader;
      long idle = idleClientTimeoutMillis();
      this.sweeper = idle == 0 || builder.serverless ? null : Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "reactserver-state-sweeper-" + table);
        thread.setDaemon(true);
        return thread;
      });
      if (sweeper != null) {
        long every = Math.max(idle / 4, 50);
        sweeper.scheduleWithFixedDelay(this::sweep, every, every, TimeUnit.MILLISECONDS);
      }
    } catch (RuntimeException e) {
      if (reader != null) {
        reader.close();
      }
      if (ownsClient) {
        client.close();
      }
      throw e;
    }
    this.localOrder = streams == null ? new ReentrantLock[64] : null;
    if (localOrder != null) {
      for (int i = 0; i < localOrder.length; i++) {
        localOrder[i] = new ReentrantLock();
      }
    }
  }

  /** A builder for a store on the table {@code table} (created on first use by default). */
  public static Builder builder(String table) {
    Objects.requireNonNull(table, "table");
    if (!TABLE_NAME.matcher(table).matches()) {
      throw new IllegalArgumentException("a DynamoDB table name needs 3 to 255 letters, digits, '_', '-' or"
          + " '.', but was '" + table + "'");
    }
    Builder builder = new Builder();
    builder.table = table;
    return builder;
  }

  /** The table. */
  public String table() {
    return table;
  }

  // ---- the primitives ----

  @Override
  protected List<StoredState> load(List<StateSeed> seeds, List<String> touchClients, long idleMillis) {
    Map<Map<String, AttributeValue>, Map<String, AttributeValue>> found = batchGet(seeds);
    long now = System.currentTimeMillis();
    List<StoredState> states = new ArrayList<>(seeds.size());
    for (StateSeed seed : seeds) {
      Map<String, AttributeValue> item = found.get(Items.stateKey(seed.id()));
      states.add(item == null || Items.expired(item, now) ? null : Items.stored(item));
    }
    List<StateSeed> missing = new ArrayList<>();
    for (int i = 0; i < seeds.size(); i++) {
      if (states.get(i) == null && !missing.contains(seeds.get(i))) {
        missing.add(seeds.get(i));
      }
    }
    if (!missing.isEmpty()) {
      link(missing);
      for (StateSeed seed : missing) {
        StoredState created = put(seed);
        StoredState state = created != null ? created : state(seed.id());
        for (int i = 0; i < seeds.size(); i++) {
          if (states.get(i) == null && seeds.get(i).id().equals(seed.id())) {
            states.set(i, state);
          }
        }
      }
    }
    for (String client : touchClients) {
      touch(client, idleMillis);
    }
    return states;
  }

  /** Reads the states of {@code seeds} strongly consistent, 100 keys a request, unprocessed keys again. */
  private Map<Map<String, AttributeValue>, Map<String, AttributeValue>> batchGet(List<StateSeed> seeds) {
    Set<Map<String, AttributeValue>> keys = new LinkedHashSet<>();
    for (StateSeed seed : seeds) {
      keys.add(Items.stateKey(seed.id()));
    }
    Map<Map<String, AttributeValue>, Map<String, AttributeValue>> found = new HashMap<>();
    List<Map<String, AttributeValue>> all = new ArrayList<>(keys);
    for (int from = 0; from < all.size(); from += BATCH_GET_LIMIT) {
      List<Map<String, AttributeValue>> chunk = all.subList(from, Math.min(all.size(), from + BATCH_GET_LIMIT));
      Map<String, KeysAndAttributes> request =
          Map.of(table, KeysAndAttributes.builder().keys(chunk).consistentRead(true).build());
      for (int attempt = 0; !request.isEmpty(); attempt++) {
        Map<String, KeysAndAttributes> asked = request;
        BatchGetItemResponse response = call("bind " + seeds.size() + " states",
            () -> client.batchGetItem(b -> b.requestItems(asked).overrideConfiguration(timeout)));
        for (Map<String, AttributeValue> item : response.responses().getOrDefault(table, List.of())) {
          found.put(Map.of(PK, item.get(PK), SK, item.get(SK)), item);
        }
        request = response.unprocessedKeys();
        if (!request.isEmpty()) {
          backOff(attempt, "bind " + seeds.size() + " states");
        }
      }
    }
    return found;
  }

  /** Creates the state of {@code seed}, its owner links first (so that ending an owner finds it). */
  private StoredState create(StateSeed seed) {
    link(List.of(seed));
    return put(seed);
  }

  /** Creates the state of {@code seed} unless it exists and is live; the state created, or null if not. */
  private StoredState put(StateSeed seed) {
    StateId id = seed.id();
    Map<String, AttributeValue> item = Items.newState(id, seed.initial(), seed.declaration(), seed.type(),
        expiry(seed));
    Items.requireFits(id, item);
    try {
      call("create " + Items.shortened(id), () -> client.putItem(b -> b.tableName(table).item(item)
          .conditionExpression("attribute_not_exists(" + PK + ") OR #exp < :now")
          .expressionAttributeNames(names("#exp"))
          .expressionAttributeValues(Map.of(":now", number(System.currentTimeMillis())))
          .overrideConfiguration(timeout)));
      return Items.stored(item);
    } catch (ConditionalCheckFailedException e) {
      return null;
    }
  }

  private static long expiry(StateSeed seed) {
    return seed.idleMillis() > 0 ? System.currentTimeMillis() + seed.idleMillis() : 0;
  }

  /** Writes the links from each owner of the seeds to their scopes, in one request; client links expire. */
  private void link(List<StateSeed> seeds) {
    Map<Map<String, AttributeValue>, WriteRequest> writes =
        new LinkedHashMap<>();
    for (StateSeed seed : seeds) {
      long expires = expiry(seed);
      String scope = seed.id().scope();
      for (String owner : seed.owners()) {
        Map<String, AttributeValue> key = Items.linkKey(owner, scope);
        Map<String, AttributeValue> link = new HashMap<>(key);
        link.put(SCOPE, text(scope));
        if (expires > 0 && ResolvedScopes.isClient(owner)) {
          link.put(EXPIRES, number(expires));
          link.put(TTL, number(Items.ttlSeconds(expires)));
        }
        writes.put(key, WriteRequest.builder()
            .putRequest(p -> p.item(link)).build());
      }
    }
    if (!writes.isEmpty()) {
      batchWrite("link the owners of " + seeds.size() + " states", new ArrayList<>(writes.values()));
    }
  }

  private void batchWrite(String what, List<WriteRequest> writes) {
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

  @Override
  protected String value(StateId id) {
    Map<String, AttributeValue> item = item(id);
    return item == null ? null : Items.value(item);
  }

  @Override
  protected StoredState state(StateId id) {
    Map<String, AttributeValue> item = item(id);
    return item == null ? null : Items.stored(item);
  }

  /** The live item of a state, read strongly consistent; null if it does not exist or expired. */
  private Map<String, AttributeValue> item(StateId id) {
    Map<String, AttributeValue> item = call("read " + Items.shortened(id), () -> client.getItem(b -> b
        .tableName(table).key(Items.stateKey(id)).consistentRead(true).overrideConfiguration(timeout))).item();
    return item == null || item.isEmpty() || Items.expired(item, System.currentTimeMillis()) ? null : item;
  }

  @Override
  protected Written set(StateId id, String value) {
    return inOrder(id, () -> {
      UpdateItemResponse response = write(id, value, "", Map.of());
      return response == null ? null : told(id, response, value);
    });
  }

  @Override
  protected CompareAndSetResult compareAndSet(StateId id, long version, String value) {
    try {
      return inOrder(id, () -> {
        UpdateItemResponse response = write(id, value, " AND " + VERSION + " = :expected",
            Map.of(":expected", number(version)));
        return response == null ? CompareAndSetResult.lost(null)
            : CompareAndSetResult.wrote(told(id, response, value));
      });
    } catch (LostWithItem lost) {
      return CompareAndSetResult.lost(lost.found);
    }
  }

  /**
   * Sets the value of a live state that no other update holds (and any {@code condition} on it), raising
   * its version; the old item, or null if the state does not exist ({@link LostWithItem} if the
   * condition failed). Waits while another update holds the state.
   */
  private UpdateItemResponse write(StateId id, String value, String condition,
      Map<String, AttributeValue> conditionValues) {
    String attribute = Items.valueAttribute(value);
    String other = NUMBER.equals(attribute) ? VALUE : NUMBER;
    Map<String, AttributeValue> sized = new HashMap<>(Items.stateKey(id));
    sized.put(SCOPE, text(id.scope()));
    sized.put(Items.KEY, text(id.key()));
    sized.put(attribute, Items.valueOf(value));
    Items.requireFits(id, sized);
    refuseWriteWhileHolding("write " + id);
    // A write after a hold expired breaks it, so that the late holder's own write fails.
    String update = "SET " + attribute + " = :value ADD " + VERSION + " :one REMOVE " + other + ", #hold, #until";
    String check = WRITABLE + condition;
    long deadline = holdDeadline();
    while (true) {
      Map<String, AttributeValue> values = new HashMap<>(conditionValues);
      values.put(":value", Items.valueOf(value));
      values.put(":one", number(1));
      values.put(":now", number(System.currentTimeMillis()));
      try {
        return call("write " + Items.shortened(id), () -> client.updateItem(b -> b.tableName(table)
            .key(Items.stateKey(id))
            .updateExpression(update)
            .conditionExpression(check)
            .expressionAttributeNames(names(update, check))
            .expressionAttributeValues(values)
            .returnValues(ReturnValue.ALL_OLD)
            .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
            .overrideConfiguration(timeout)));
      } catch (ConditionalCheckFailedException e) {
        Map<String, AttributeValue> found = itemAfter(id, e);
        if (found == null) {
          return null;
        }
        if (heldByAnother(found)) {
          awaitHold(id, deadline);
        } else if (!condition.isEmpty()) {
          throw new LostWithItem(Items.stored(found));
        }
      }
    }
  }

  /** The write of {@code value} over the old item, told to this instance's listeners if no stream does. */
  private Written told(StateId id, UpdateItemResponse response, String value) {
    Map<String, AttributeValue> old = response.attributes();
    Written written = new Written(Items.value(old), value, Items.version(old) + 1);
    tellLocally(() -> Items.changeMessage(id, written.oldValue(), value, false, Items.string(old, DECLARATION),
        Items.string(old, TYPE)));
    return written;
  }

  @Override
  protected Written add(StateId id, NumberKind kind, String delta) {
    if (kind == NumberKind.DOUBLE) {
      // DynamoDB adds decimals (0.1 + 0.2 is 0.3 there): an update in Java gives the IEEE sum.
      return new Written(null, null, -1);
    }
    long by = Long.parseLong(delta);
    long min = kind == NumberKind.INT ? Integer.MIN_VALUE : Long.MIN_VALUE;
    long max = kind == NumberKind.INT ? Integer.MAX_VALUE : Long.MAX_VALUE;
    // The sum must stay in range: the stored number must lie in [min - by, max - by] (within long).
    long low = by < 0 ? min - by : min;
    long high = by > 0 ? max - by : max;
    refuseWriteWhileHolding("add to " + id);
    String update = "ADD " + NUMBER + " :by, " + VERSION + " :one REMOVE #hold, #until";
    String check = WRITABLE + " AND " + NUMBER + " BETWEEN :low AND :high";
    long deadline = holdDeadline();
    return inOrder(id, () -> {
      while (true) {
        UpdateItemResponse response;
        try {
          response = call("add to " + Items.shortened(id), () -> client.updateItem(b -> b.tableName(table)
              .key(Items.stateKey(id))
              .updateExpression(update)
              .conditionExpression(check)
              .expressionAttributeNames(names(update, check))
              .expressionAttributeValues(Map.of(":by", number(by), ":one", number(1), ":low", number(low),
                  ":high", number(high), ":now", number(System.currentTimeMillis())))
              .returnValues(ReturnValue.ALL_NEW)
              .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
              .overrideConfiguration(timeout)));
        } catch (ConditionalCheckFailedException e) {
          Map<String, AttributeValue> found = itemAfter(id, e);
          if (found == null) {
            return null;
          }
          if (heldByAnother(found)) {
            awaitHold(id, deadline);
            continue;
          }
          return new Written(null, null, -1); // out of range, or not a number: an update in Java
        }
        Map<String, AttributeValue> now = response.attributes();
        String sum = Items.value(now);
        String before = Long.toString(Long.parseLong(sum) - by);
        tellLocally(() -> Items.changeMessage(id, before, sum, false, Items.string(now, DECLARATION),
            Items.string(now, TYPE)));
        return new Written(before, sum, Items.version(now));
      }
    });
  }

  @Override
  protected CompareAndSetResult updateExclusively(StateId id, UnaryOperator<String> next) {
    refuseWriteWhileHolding("update " + id);
    String token = UUID.randomUUID().toString();
    String hold = "SET #hold = :token, #until = :until";
    long deadline = holdDeadline();
    Map<String, AttributeValue> held;
    while (true) {
      try {
        held = call("hold " + Items.shortened(id), () -> client.updateItem(b -> b.tableName(table)
            .key(Items.stateKey(id))
            .updateExpression(hold)
            .conditionExpression(WRITABLE)
            .expressionAttributeNames(names(hold, WRITABLE))
            .expressionAttributeValues(Map.of(":token", text(token), ":now", number(System.currentTimeMillis()),
                ":until", number(System.currentTimeMillis() + commandTimeout().toMillis())))
            .returnValues(ReturnValue.ALL_NEW)
            .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
            .overrideConfiguration(timeout))).attributes();
        break;
      } catch (ConditionalCheckFailedException e) {
        Map<String, AttributeValue> found = itemAfter(id, e);
        if (found == null) {
          return CompareAndSetResult.lost(null);
        }
        awaitHold(id, deadline);
      }
    }
    String value;
    try {
      value = applyWhileHolding(next, Items.value(held), null);
    } catch (RuntimeException | Error e) {
      release(id, token);
      throw e;
    }
    if (value == null) {
      release(id, token);
      return CompareAndSetResult.lost(null);
    }
    String attribute = Items.valueAttribute(value);
    String other = NUMBER.equals(attribute) ? VALUE : NUMBER;
    String update = "SET " + attribute + " = :value ADD " + VERSION + " :one REMOVE " + other + ", #hold, #until";
    String mine = "#hold = :token";
    try {
      return inOrder(id, () -> {
        Map<String, AttributeValue> old = call("update " + Items.shortened(id), () -> client.updateItem(b -> b
            .tableName(table)
            .key(Items.stateKey(id))
            .updateExpression(update)
            .conditionExpression(mine)
            .expressionAttributeNames(names(update, mine))
            .expressionAttributeValues(Map.of(":value", Items.valueOf(value), ":one", number(1),
                ":token", text(token)))
            .returnValues(ReturnValue.ALL_OLD)
            .overrideConfiguration(timeout))).attributes();
        Written written = new Written(Items.value(old), value, Items.version(old) + 1);
        tellLocally(() -> Items.changeMessage(id, written.oldValue(), value, false, Items.string(old, DECLARATION),
            Items.string(old, TYPE)));
        return CompareAndSetResult.wrote(written);
      });
    } catch (ConditionalCheckFailedException e) {
      return CompareAndSetResult.lost(null); // held longer than the command timeout: another took it
    }
  }

  private void release(StateId id, String token) {
    String update = "REMOVE #hold, #until";
    String mine = "#hold = :token";
    try {
      call("release " + Items.shortened(id), () -> client.updateItem(b -> b.tableName(table)
          .key(Items.stateKey(id))
          .updateExpression(update)
          .conditionExpression(mine)
          .expressionAttributeNames(names(update, mine))
          .expressionAttributeValues(Map.of(":token", text(token)))
          .overrideConfiguration(timeout)));
    } catch (ConditionalCheckFailedException e) {
      // the hold expired already
    }
  }

  /** The live item after a failed condition: as the server returned it, else read; null if gone. */
  private Map<String, AttributeValue> itemAfter(StateId id, ConditionalCheckFailedException e) {
    if (e.hasItem() && !e.item().isEmpty()) {
      return Items.expired(e.item(), System.currentTimeMillis()) ? null : e.item();
    }
    return item(id);
  }

  private static boolean heldByAnother(Map<String, AttributeValue> item) {
    AttributeValue until = item.get(HOLD_UNTIL);
    return item.containsKey(HOLD) && until != null && Long.parseLong(until.n()) >= System.currentTimeMillis();
  }

  /** Writers wait for a held state at most ten holds' time (a hold lasts one command timeout at most). */
  private long holdDeadline() {
    return System.nanoTime() + commandTimeout().toNanos() * 10;
  }

  private void awaitHold(StateId id, long deadline) {
    if (System.nanoTime() > deadline) {
      throw new StateException("state " + Items.shortened(id) + " stayed held by another instance's update for"
          + " " + commandTimeout().multipliedBy(10) + "; nothing was written");
    }
    try {
      Thread.sleep(2);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreUnavailableException("interrupted while waiting for a held state " + Items.shortened(id), e);
    }
  }

  @Override
  protected Written createOrSet(StateSeed seed) {
    for (int attempt = 0; ; attempt++) {
      if (create(seed) != null) {
        return null;
      }
      Written written = set(seed.id(), seed.initial());
      if (written != null || attempt >= 100) {
        return written;
      }
    }
  }

  @Override
  protected boolean exists(StateId id) {
    return item(id) != null;
  }

  @Override
  protected boolean delete(StateId id) {
    return deleteState(id, "", Map.of()) != null;
  }

  /** Deletes a state no update holds (if {@code condition} holds) and tells it; the deleted item, or null. */
  private Map<String, AttributeValue> deleteState(StateId id, String condition, Map<String, AttributeValue> values) {
    refuseWriteWhileHolding("delete " + id);
    String check = "attribute_exists(" + PK + ") AND " + NOT_HELD + condition;
    long deadline = holdDeadline();
    return inOrder(id, () -> {
      while (true) {
        Map<String, AttributeValue> old;
        Map<String, AttributeValue> all = new HashMap<>(values);
        all.put(":now", number(System.currentTimeMillis()));
        try {
          old = call("delete " + Items.shortened(id), () -> client.deleteItem(b -> b.tableName(table)
              .key(Items.stateKey(id))
              .conditionExpression(check)
              .expressionAttributeNames(names(check))
              .expressionAttributeValues(all)
              .returnValues(ReturnValue.ALL_OLD)
              .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
              .overrideConfiguration(timeout))).attributes();
        } catch (ConditionalCheckFailedException e) {
          Map<String, AttributeValue> found = e.hasItem() && !e.item().isEmpty() ? e.item() : item(id);
          if (found != null && heldByAnother(found)) {
            awaitHold(id, deadline);
            continue;
          }
          return null;
        }
        if (old == null || old.isEmpty()) {
          return null;
        }
        tellLocally(() -> Items.changeMessage(id, Items.value(old), null, true, Items.string(old, DECLARATION),
            Items.string(old, TYPE)));
        return old;
      }
    });
  }

  @Override
  protected int deleteStatesIn(String scope) {
    int deleted = deleteEvery(scope);
    tellEnd(scope);
    return deleted;
  }

  private int deleteEvery(String scope) {
    int deleted = 0;
    for (Map<String, AttributeValue> item : query(Items.keyText(scope), true)) {
      if (deleteState(Items.id(item), "", Map.of()) != null) {
        deleted++;
      }
    }
    return deleted;
  }

  /** Tells every instance that {@code scope} ended: directly, or through the stream (an end item). */
  private void tellEnd(String scope) {
    if (streams == null) {
      receive(Items.endMessage(scope));
      return;
    }
    Map<String, AttributeValue> end = Map.of(PK, text(Items.END), SK, text(UUID.randomUUID().toString()),
        SCOPE, text(scope));
    call("end " + scope, () -> client.putItem(b -> b.tableName(table).item(end).overrideConfiguration(timeout)));
    call("end " + scope, () -> client.deleteItem(b -> b.tableName(table)
        .key(Map.of(PK, end.get(PK), SK, end.get(SK))).overrideConfiguration(timeout)));
  }

  @Override
  protected List<StoredState> list(String scope) {
    long now = System.currentTimeMillis();
    List<StoredState> states = new ArrayList<>();
    List<Map<String, AttributeValue>> items = scope != null ? query(Items.keyText(scope), true) : scanStates();
    for (Map<String, AttributeValue> item : items) {
      if (Items.isState(item) && !Items.expired(item, now)) {
        states.add(Items.stored(item));
      }
    }
    return states;
  }

  /** Every item of a partition, strongly consistent, page by page. */
  private List<Map<String, AttributeValue>> query(String partition, boolean consistent) {
    List<Map<String, AttributeValue>> items = new ArrayList<>();
    Map<String, AttributeValue> start = null;
    do {
      Map<String, AttributeValue> from = start;
      QueryResponse page = call("list " + partition, () -> client.query(b -> b.tableName(table)
          .keyConditionExpression(PK + " = :pk")
          .expressionAttributeValues(Map.of(":pk", text(partition)))
          .consistentRead(consistent)
          .exclusiveStartKey(from)
          .overrideConfiguration(timeout)));
      items.addAll(page.items());
      start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
    } while (start != null);
    return items;
  }

  /** Every state item of the table, strongly consistent, page by page. */
  private List<Map<String, AttributeValue>> scanStates() {
    List<Map<String, AttributeValue>> items = new ArrayList<>();
    Map<String, AttributeValue> start = null;
    do {
      Map<String, AttributeValue> from = start;
      ScanResponse page = call("list states", () -> client.scan(b -> b.tableName(table).consistentRead(true)
          .exclusiveStartKey(from).overrideConfiguration(timeout)));
      for (Map<String, AttributeValue> item : page.items()) {
        if (Items.isState(item)) {
          items.add(item);
        }
      }
      start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
    } while (start != null);
    return items;
  }

  @Override
  protected int endOwner(String owner) {
    int deleted = 0;
    for (Map<String, AttributeValue> link : query(Items.ownerPartition(owner), true)) {
      String scope = Items.string(link, SCOPE);
      deleted += deleteEvery(scope);
      call("end " + owner, () -> client.deleteItem(b -> b.tableName(table)
          .key(Map.of(PK, link.get(PK), SK, link.get(SK))).overrideConfiguration(timeout)));
      tellEnd(scope);
    }
    return deleted;
  }

  @Override
  protected void touch(String client, long idleMillis) {
    long expires = System.currentTimeMillis() + idleMillis;
    Map<String, AttributeValue> values = Map.of(":exp", number(expires), ":ttl", number(Items.ttlSeconds(expires)));
    for (Map<String, AttributeValue> link : query(Items.ownerPartition(client), true)) {
      renew(Map.of(PK, link.get(PK), SK, link.get(SK)), values, "touch " + client);
      for (Map<String, AttributeValue> item : query(Items.keyText(Items.string(link, SCOPE)), true)) {
        if (item.containsKey(EXPIRES)) {
          renew(Map.of(PK, item.get(PK), SK, item.get(SK)), values, "touch " + client);
        }
      }
    }
  }

  private void renew(Map<String, AttributeValue> key, Map<String, AttributeValue> values, String what) {
    try {
      call(what, () -> this.client.updateItem(b -> b.tableName(table).key(key)
          .updateExpression("SET #exp = :exp, #ttl = :ttl")
          .conditionExpression("attribute_exists(" + PK + ")")
          .expressionAttributeNames(names("#exp #ttl"))
          .expressionAttributeValues(values)
          .overrideConfiguration(timeout)));
    } catch (ConditionalCheckFailedException e) {
      // deleted meanwhile: nothing to renew
    }
  }

  @Override
  protected boolean redeclare(StateId id, long version, String declaration, String type, String value) {
    refuseWriteWhileHolding("declare " + id);
    Map<String, AttributeValue> values = new HashMap<>();
    values.put(":t", text(type));
    values.put(":expected", number(version));
    if (!declaration.isEmpty()) {
      values.put(":c", text(declaration));
    }
    try {
      call("declare " + Items.shortened(id), () -> client.updateItem(b -> b.tableName(table)
          .key(Items.stateKey(id))
          .updateExpression(declaration.isEmpty() ? "SET " + TYPE + " = :t REMOVE " + DECLARATION
              : "SET " + DECLARATION + " = :c, " + TYPE + " = :t")
          .conditionExpression(VERSION + " = :expected")
          .expressionAttributeValues(values)
          .overrideConfiguration(timeout)));
    } catch (ConditionalCheckFailedException e) {
      return false;
    }
    return value == null || compareAndSet(id, version, value).written() != null;
  }

  @Override
  protected void closeServer() {
    try {
      if (sweeper != null) {
        sweeper.shutdownNow();
      }
      if (streams != null) {
        streams.close();
      }
    } finally {
      if (ownsClient) {
        client.close();
      }
    }
  }

  @Override
  public String toString() {
    return "DynamoDbStore[table=" + table + "]";
  }

  // ---- changes ----

  /** Without a stream, runs {@code write} holding its state's stripe so that its change is told in order. */
  private <T> T inOrder(StateId id, Supplier<T> write) {
    if (localOrder == null) {
      return write.get();
    }
    ReentrantLock lock = localOrder[Math.floorMod(id.hashCode(), localOrder.length)];
    lock.lock();
    try {
      return write.get();
    } finally {
      lock.unlock();
    }
  }

  /** Tells this instance's listeners of its own write when no stream does (the message is queued, no listener runs here). */
  private void tellLocally(Supplier<String> message) {
    if (streams == null) {
      receive(message.get());
    }
  }

  // ---- idle clients ----

  /**
   * Deletes the client states and links whose expiry passed, found by a scan (AWS's TTL deletes expired
   * items too, but only within days); each state is deleted only if it is still expired, and told.
   */
  private void sweep() {
    try {
      long now = System.currentTimeMillis();
      Set<String> scopes = new LinkedHashSet<>();
      Map<String, AttributeValue> start = null;
      do {
        Map<String, AttributeValue> from = start;
        ScanResponse page = call("sweep expired client states", () -> client.scan(b -> b.tableName(table)
            .filterExpression("#exp < :now")
            .expressionAttributeNames(names("#exp"))
            .expressionAttributeValues(Map.of(":now", number(now)))
            .exclusiveStartKey(from)
            .overrideConfiguration(timeout)));
        for (Map<String, AttributeValue> item : page.items()) {
          sweepItem(item, now, scopes);
        }
        start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
      } while (start != null);
      for (String scope : scopes) {
        if (query(Items.keyText(scope), true).isEmpty()) {
          tellEnd(scope);
        }
      }
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "ending idle clients of " + this + " failed; the next sweep tries"
          + " again", e);
    }
  }

  private void sweepItem(Map<String, AttributeValue> item, long now, Set<String> scopes) {
    Map<String, AttributeValue> expiredBefore = Map.of(":now", number(now));
    try {
      if (Items.isState(item)) {
        StateId id = Items.id(item);
        if (deleteState(id, " AND #exp < :now", expiredBefore) != null) {
          scopes.add(id.scope());
        }
      } else {
        call("sweep expired client links", () -> client.deleteItem(b -> b.tableName(table)
            .key(Map.of(PK, item.get(PK), SK, item.get(SK)))
            .conditionExpression("#exp < :now")
            .expressionAttributeNames(names("#exp"))
            .expressionAttributeValues(expiredBefore)
            .overrideConfiguration(timeout)));
      }
    } catch (ConditionalCheckFailedException e) {
      // touched meanwhile
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "cannot end expired item " + Items.string(item, SCOPE) + " of an"
          + " idle client", e);
    }
  }

  // ---- calls ----

  /** The attribute names that {@code expressions} use: DynamoDB refuses names an expression does not use. */
  private static Map<String, String> names(String... expressions) {
    Map<String, String> used = new HashMap<>();
    for (String expression : expressions) {
      Matcher name = NAME.matcher(expression);
      while (name.find()) {
        used.put(name.group(), NAMES.get(name.group()));
      }
    }
    return used.isEmpty() ? null : used;
  }

  /**
   * Runs one call of the SDK: throttling, a server that does not answer within the command timeout, or
   * one that fails are a {@link StoreUnavailableException}; a refusal is a {@link StateException}.
   */
  private <T> T call(String what, Supplier<T> call) {
    try {
      return call.get();
    } catch (ConditionalCheckFailedException e) {
      throw e;
    } catch (DynamoDbException e) {
      if (unavailable(e)) {
        throw new StoreUnavailableException("DynamoDB is unavailable (" + what + "): " + e.getMessage(), e);
      }
      throw new StateException("DynamoDB refused to " + what + ": " + e.getMessage(), e);
    } catch (SdkException e) {
      throw new StoreUnavailableException("DynamoDB is unavailable (" + what + "): " + e.getMessage(), e);
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

  private void backOff(int attempt, String what) {
    if (attempt >= 10) {
      throw new StoreUnavailableException("DynamoDB kept leaving items unprocessed (" + what + ")", null);
    }
    try {
      Thread.sleep(Math.min(500, 10L << attempt));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreUnavailableException("interrupted while waiting for DynamoDB (" + what + ")", e);
    }
  }

  /** A compare-and-set lost, and the server told the state it found instead. */
  private static final class LostWithItem extends RuntimeException {
    final transient StoredState found;

    LostWithItem(StoredState found) {
      super(null, null, false, false);
      this.found = found;
    }
  }

  /** Configures a {@link DynamoDbStore}. */
  public static final class Builder extends RemoteStoreBuilder<Builder> {
    private String table;
    private Region region;
    private URI endpoint;
    private AwsCredentialsProvider credentials;
    private DynamoDbClient client;
    private DynamoDbStreamsClient streamsClient;
    private boolean createTable = true;
    private boolean changes = true;
    private boolean serverless;
    private Duration streamPollInterval = Duration.ofMillis(250);

    private Builder() {}

    /** The region; by default the SDK's chain (environment, profile, instance metadata; Lambda sets it). */
    public Builder region(Region region) {
      this.region = Objects.requireNonNull(region, "region");
      return this;
    }

    /** Another endpoint than the region's, e.g. {@code http://localhost:8000} for a local server. */
    public Builder endpoint(URI endpoint) {
      this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
      return this;
    }

    /** The credentials; by default the SDK's chain (environment, profile, the Lambda role). */
    public Builder credentials(AwsCredentialsProvider credentials) {
      this.credentials = Objects.requireNonNull(credentials, "credentials");
      return this;
    }

    /**
     * The application's own client (another HTTP client such as Apache's, interceptors, metrics) instead
     * of one the store builds with the URL connection client; the store does not close it. Each call is
     * still bounded by the command timeout.
     */
    public Builder client(DynamoDbClient client) {
      this.client = Objects.requireNonNull(client, "client");
      return this;
    }

    /** The client of the table's stream, with {@link #client}; the store does not close it. */
    public Builder streamsClient(DynamoDbStreamsClient client) {
      this.streamsClient = Objects.requireNonNull(client, "client");
      return this;
    }

    /**
     * Whether the store creates its table (on-demand capacity, the stream, the TTL attribute) if it does
     * not exist; true by default. With false it only checks the table's key schema and stream, and says
     * exactly what is wrong.
     */
    public Builder createTable(boolean create) {
      this.createTable = create;
      return this;
    }

    /**
     * Whether this instance reads the table's stream to tell its listeners of every instance's writes;
     * true by default. Without it, listeners hear this instance's own writes only, and the table needs no
     * stream.
     */
    public Builder changes(boolean changes) {
      this.changes = changes;
      return this;
    }

    /** How often the stream reader asks each shard for new records when it found none; 250 ms by default. */
    public Builder streamPollInterval(Duration interval) {
      Objects.requireNonNull(interval, "interval");
      if (interval.isNegative() || interval.isZero()) {
        throw new IllegalArgumentException("the poll interval must be positive, but was " + interval);
      }
      this.streamPollInterval = interval;
      return this;
    }

    /**
     * For AWS Lambda and other runtimes that freeze between invocations: no thread at all (no stream
     * reader, no sweep; listeners hear this instance's own writes; expired client states are gone for
     * readers at once and deleted by the table's TTL).
     */
    public Builder serverless() {
      this.serverless = true;
      this.changes = false;
      return this;
    }

    /**
     * Connects, creates or checks the table, and returns the store.
     *
     * @throws IllegalStateException if the store builds its own client and no region or no credentials are
     *     named here or found by the SDK's default chains (the message says what to set)
     * @throws StoreUnavailableException if DynamoDB does not answer
     * @throws StateException if the table exists with another layout, or is missing and not to be created
     */
    public DynamoDbStore build() {
      return new DynamoDbStore(this);
    }

    @Override
    protected Builder self() {
      return this;
    }
  }
}
