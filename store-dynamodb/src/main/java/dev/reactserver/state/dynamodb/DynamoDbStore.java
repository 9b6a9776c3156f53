package dev.reactserver.state.dynamodb;

import static dev.reactserver.state.dynamodb.DynamoDbCalls.attributeNames;
import static dev.reactserver.state.dynamodb.Items.DECLARATION;
import static dev.reactserver.state.dynamodb.Items.EXPIRES;
import static dev.reactserver.state.dynamodb.Items.PK;
import static dev.reactserver.state.dynamodb.Items.SCOPE;
import static dev.reactserver.state.dynamodb.Items.SK;
import static dev.reactserver.state.dynamodb.Items.TTL;
import static dev.reactserver.state.dynamodb.Items.TYPE;
import static dev.reactserver.state.dynamodb.Items.VERSION;
import static dev.reactserver.state.dynamodb.Items.number;
import static dev.reactserver.state.dynamodb.Items.text;
import static dev.reactserver.state.remote.spi.StoreMessages.shortened;

import dev.reactserver.state.remote.spi.ChangeMessage;
import dev.reactserver.state.remote.spi.CompareAndSetResult;
import dev.reactserver.state.remote.spi.HeldUpdates;
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
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
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

  private final DynamoDbClient client;
  private final boolean ownsClient;
  private final String table;
  private final DynamoDbCalls calls;
  private final StreamReader streams;
  private final LocalChanges changes;
  private final ItemHolds holds;
  private final ItemWrites writes;

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
    AwsRequestOverrideConfiguration timeout = ownsClient ? null : bounded;
    this.calls = new DynamoDbCalls(client, table, timeout);
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
    } catch (RuntimeException e) {
      if (reader != null) {
        reader.close();
      }
      if (ownsClient) {
        client.close();
      }
      throw e;
    }
    this.changes = new LocalChanges(streams != null, this::receive);
    this.holds = new ItemHolds(calls, commandTimeout(), changes);
    this.writes = new ItemWrites(calls, holds, changes);
    if (!builder.serverless) {
      startSweeping();
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

  /** Reads the states of {@code seeds} strongly consistent. */
  private Map<Map<String, AttributeValue>, Map<String, AttributeValue>> batchGet(List<StateSeed> seeds) {
    Set<Map<String, AttributeValue>> keys = new LinkedHashSet<>();
    for (StateSeed seed : seeds) {
      keys.add(Items.stateKey(seed.id()));
    }
    return calls.batchGet(keys, "bind " + seeds.size() + " states");
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
      calls.call("create " + shortened(id), () -> client.putItem(b -> b.tableName(table).item(item)
          .conditionExpression("attribute_not_exists(" + PK + ") OR #exp < :now")
          .expressionAttributeNames(attributeNames("#exp"))
          .expressionAttributeValues(Map.of(":now", number(System.currentTimeMillis())))
          .overrideConfiguration(calls.timeout())));
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
    Map<Map<String, AttributeValue>, WriteRequest> writes = new LinkedHashMap<>();
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
        writes.put(key, WriteRequest.builder().putRequest(p -> p.item(link)).build());
      }
    }
    if (!writes.isEmpty()) {
      calls.batchWrite("link the owners of " + seeds.size() + " states", new ArrayList<>(writes.values()));
    }
  }

  @Override
  protected String value(StateId id) {
    Map<String, AttributeValue> item = writes.item(id);
    return item == null ? null : Items.value(item);
  }

  @Override
  protected StoredState state(StateId id) {
    Map<String, AttributeValue> item = writes.item(id);
    return item == null ? null : Items.stored(item);
  }

  @Override
  protected Written set(StateId id, String value) {
    return writes.set(id, value);
  }

  @Override
  protected CompareAndSetResult compareAndSet(StateId id, long version, String value) {
    return writes.compareAndSet(id, version, value);
  }

  @Override
  protected Written add(StateId id, NumberKind kind, String delta) {
    return writes.add(id, kind, delta);
  }

  @Override
  protected CompareAndSetResult updateExclusively(StateId id, UnaryOperator<String> next) {
    return holds.update(id, next, ItemWrites.WRITABLE, writes::itemAfter);
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
    return writes.item(id) != null;
  }

  @Override
  protected boolean delete(StateId id) {
    return writes.delete(id, "", Map.of()) != null;
  }

  @Override
  protected int deleteStatesIn(String scope) {
    int deleted = deleteEvery(scope);
    publishScopeEnd(scope);
    return deleted;
  }

  private int deleteEvery(String scope) {
    int deleted = 0;
    for (Map<String, AttributeValue> item : calls.query(Items.keyText(scope))) {
      if (writes.delete(Items.id(item), "", Map.of()) != null) {
        deleted++;
      }
    }
    return deleted;
  }

  /** Tells every instance that {@code scope} ended: directly, or through the stream (an end item). */
  private void publishScopeEnd(String scope) {
    if (changes.local()) {
      receive(ChangeMessage.scopeEnded(scope));
      return;
    }
    Map<String, AttributeValue> end = Map.of(PK, text(Items.END), SK, text(UUID.randomUUID().toString()),
        SCOPE, text(scope));
    calls.call("end " + scope, () -> client.putItem(b -> b.tableName(table).item(end)
        .overrideConfiguration(calls.timeout())));
    calls.call("end " + scope, () -> client.deleteItem(b -> b.tableName(table)
        .key(Map.of(PK, end.get(PK), SK, end.get(SK))).overrideConfiguration(calls.timeout())));
  }

  @Override
  protected List<StoredState> list(String scope) {
    long now = System.currentTimeMillis();
    List<StoredState> states = new ArrayList<>();
    List<Map<String, AttributeValue>> items = new ArrayList<>();
    if (scope != null) {
      items = calls.query(Items.keyText(scope));
    } else {
      calls.scan("list states", b -> b.consistentRead(true), items::addAll);
    }
    for (Map<String, AttributeValue> item : items) {
      if (Items.isState(item) && !Items.expired(item, now)) {
        states.add(Items.stored(item));
      }
    }
    return states;
  }

  @Override
  protected int endOwner(String owner) {
    int deleted = 0;
    for (Map<String, AttributeValue> link : calls.query(Items.ownerPartition(owner))) {
      String scope = Items.string(link, SCOPE);
      deleted += deleteEvery(scope);
      calls.call("end " + owner, () -> client.deleteItem(b -> b.tableName(table)
          .key(Map.of(PK, link.get(PK), SK, link.get(SK))).overrideConfiguration(calls.timeout())));
      publishScopeEnd(scope);
    }
    return deleted;
  }

  @Override
  protected void touch(String client, long idleMillis) {
    long expires = System.currentTimeMillis() + idleMillis;
    Map<String, AttributeValue> values = Map.of(":exp", number(expires), ":ttl", number(Items.ttlSeconds(expires)));
    for (Map<String, AttributeValue> link : calls.query(Items.ownerPartition(client))) {
      renew(Map.of(PK, link.get(PK), SK, link.get(SK)), values, "touch " + client);
      for (Map<String, AttributeValue> item : calls.query(Items.keyText(Items.string(link, SCOPE)))) {
        if (item.containsKey(EXPIRES)) {
          renew(Map.of(PK, item.get(PK), SK, item.get(SK)), values, "touch " + client);
        }
      }
    }
  }

  private void renew(Map<String, AttributeValue> key, Map<String, AttributeValue> values, String what) {
    try {
      calls.call(what, () -> this.client.updateItem(b -> b.tableName(table).key(key)
          .updateExpression("SET #exp = :exp, #ttl = :ttl")
          .conditionExpression("attribute_exists(" + PK + ")")
          .expressionAttributeNames(attributeNames("#exp #ttl"))
          .expressionAttributeValues(values)
          .overrideConfiguration(calls.timeout())));
    } catch (ConditionalCheckFailedException e) {
      // deleted meanwhile: nothing to renew
    }
  }

  @Override
  protected boolean redeclare(StateId id, long version, String declaration, String type, String value) {
    HeldUpdates.refuseWrite("declare " + id);
    Map<String, AttributeValue> values = new HashMap<>();
    values.put(":t", text(type));
    values.put(":expected", number(version));
    if (!declaration.isEmpty()) {
      values.put(":c", text(declaration));
    }
    try {
      calls.call("declare " + shortened(id), () -> client.updateItem(b -> b.tableName(table)
          .key(Items.stateKey(id))
          .updateExpression(declaration.isEmpty() ? "SET " + TYPE + " = :t REMOVE " + DECLARATION
              : "SET " + DECLARATION + " = :c, " + TYPE + " = :t")
          .conditionExpression(VERSION + " = :expected")
          .expressionAttributeValues(values)
          .overrideConfiguration(calls.timeout())));
    } catch (ConditionalCheckFailedException e) {
      return false;
    }
    return value == null || compareAndSet(id, version, value).written() != null;
  }

  @Override
  protected void closeServer() {
    try {
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

  // ---- idle clients ----

  /**
   * Deletes the client states and links whose expiry passed, found by a scan (AWS's TTL deletes expired
   * items too, but only within days); each state is deleted only if it is still expired, and told.
   */
  @Override
  protected void sweepExpiredClients() {
    long now = System.currentTimeMillis();
    Set<String> scopes = new LinkedHashSet<>();
    calls.scan("sweep expired client states", b -> b.filterExpression("#exp < :now")
        .expressionAttributeNames(attributeNames("#exp"))
        .expressionAttributeValues(Map.of(":now", number(now))), page -> {
          for (Map<String, AttributeValue> item : page) {
            sweepItem(item, now, scopes);
          }
        });
    for (String scope : scopes) {
      if (calls.query(Items.keyText(scope)).isEmpty()) {
        publishScopeEnd(scope);
      }
    }
  }

  private void sweepItem(Map<String, AttributeValue> item, long now, Set<String> scopes) {
    Map<String, AttributeValue> expiredBefore = Map.of(":now", number(now));
    try {
      if (Items.isState(item)) {
        StateId id = Items.id(item);
        if (writes.delete(id, " AND #exp < :now", expiredBefore) != null) {
          scopes.add(id.scope());
        }
      } else {
        calls.call("sweep expired client links", () -> client.deleteItem(b -> b.tableName(table)
            .key(Map.of(PK, item.get(PK), SK, item.get(SK)))
            .conditionExpression("#exp < :now")
            .expressionAttributeNames(attributeNames("#exp"))
            .expressionAttributeValues(expiredBefore)
            .overrideConfiguration(calls.timeout())));
      }
    } catch (ConditionalCheckFailedException e) {
      // touched meanwhile
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "cannot end expired item " + Items.string(item, SCOPE) + " of an"
          + " idle client", e);
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
