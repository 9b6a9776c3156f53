package dev.reactserver.state.redis;

import dev.reactserver.state.redis.Scripts.Script;
import dev.reactserver.state.remote.spi.CompareAndSetResult;
import dev.reactserver.state.remote.spi.HeldUpdates;
import dev.reactserver.state.remote.spi.NumberKind;
import dev.reactserver.state.remote.spi.RemoteStore;
import dev.reactserver.state.remote.spi.RemoteStoreBuilder;
import dev.reactserver.state.remote.spi.StateSeed;
import dev.reactserver.state.remote.spi.StoreMessages;
import dev.reactserver.state.remote.spi.StoredState;
import dev.reactserver.state.remote.spi.Written;
import dev.reactserver.state.runtime.StateException;
import dev.reactserver.state.runtime.StateId;
import dev.reactserver.state.runtime.StoreUnavailableException;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanIterator;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * A store on Redis, for applications that run several server nodes: every node sees the same states,
 * {@code update} is optimistic (a version per state, checked by a Lua script; after three lost attempts
 * it holds the state, and other writers wait) and {@code increment} is one
 * script round trip that adds on the server, binding a component is one round trip, and
 * every write is published on a channel that every node's listeners hear.
 *
 * <pre>{@code
 * RedisStore store = RedisStore.builder("redis://redis.internal:6379").prefix("shop").build();
 * }</pre>
 *
 * <p>Layout, under a prefix ({@code "state"} by default) so that several applications can share one
 * server: each state is a hash {@code <prefix>:<scope>:<key>} (with {@code '\'} and {@code ':'} escaped by
 * a backslash) with fields {@code v} (the value as JSON), {@code ver}, {@code c} (the declaration) and
 * {@code t} (the type), and while an update holds the state, {@code h} (its token) and {@code hu} (until
 * when, by the server's clock); {@code <prefix>#scope:<scope>} and {@code <prefix>#owner:<owner scope>}
 * are sets that index scopes and the scopes of each client, user and component;
 * {@code <prefix>#changes} is the channel. Idle clients are ended by a sweep every node runs (listeners
 * hear each deleted state), from the sorted set {@code <prefix>#clients} of their expiry times. Standalone Redis
 * (or one primary) only: the scripts build their keys, which Redis Cluster does not allow.
 *
 * <p>With Redis down, calls fail within the command timeout with a {@link StoreUnavailableException};
 * the store reconnects by itself. Close it when the application stops.
 */
public final class RedisStore extends RemoteStore {

  private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
  /** The answer of a write script when an update holds the state. */
  private static final Long HELD = -1L;
  /** How many holds' time a write waits for a state that stays held before it gives up. */
  private static final int HOLDS_WAITED_FOR = 10;
  /** How many idle clients one sweep script ends at most. */
  private static final int SWEEP_BATCH = 500;
  private static final System.Logger LOG = System.getLogger("dev.reactserver.state");

  private final RedisURI uri;
  private final RedisClient client;
  private final boolean ownsClient;
  private final String prefix;
  private final StatefulRedisConnection<String, String> connection;
  private final StatefulRedisPubSubConnection<String, String> changes;
  private final RedisCommands<String, String> redis;
  /** Names this store's holds apart from every other node's (see hold.lua). */
  private final String holdTokenPrefix = UUID.randomUUID() + ":";
  private final AtomicLong holds = new AtomicLong();

  private RedisStore(Builder builder) {
    super(builder, "redis-" + builder.prefix);
    this.prefix = builder.prefix;
    this.uri = RedisURI.builder(builder.uri).withTimeout(commandTimeout()).build();
    this.ownsClient = builder.client == null;
    this.client = ownsClient ? RedisClient.create() : builder.client;
    if (ownsClient) {
      client.setOptions(ClientOptions.builder()
          .autoReconnect(true)
          // Fail fast while Redis is away instead of queueing commands that may run much later.
          .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
          .timeoutOptions(TimeoutOptions.enabled(commandTimeout()))
          .socketOptions(SocketOptions.builder().connectTimeout(commandTimeout()).build())
          .build());
    }
    try {
      this.connection = call("connect", () -> client.connect(uri));
      this.redis = connection.sync();
      call("load scripts", () -> Scripts.load(redis));
      this.changes = call("subscribe", () -> client.connectPubSub(uri));
      String channel = prefix + "#changes";
      AtomicBoolean subscribedBefore = new AtomicBoolean();
      changes.addListener(new RedisPubSubAdapter<>() {
        @Override
        public void message(String from, String message) {
          if (channel.equals(from)) {
            receive(message);
          }
        }

        // Lettuce subscribes again after a reconnect: what was published meanwhile never arrived.
        @Override
        public void subscribed(String to, long count) {
          if (channel.equals(to) && subscribedBefore.getAndSet(true)) {
            LOG.log(System.Logger.Level.INFO, "the change channel of " + RedisStore.this + " is back;"
                + " listeners are told what they missed");
            changeChannelRestored();
          }
        }
      });
      call("subscribe", () -> {
        changes.sync().subscribe(channel);
        return channel;
      });
      startSweeping();
    } catch (RuntimeException e) {
      if (ownsClient) {
        client.shutdown();
      }
      throw e;
    }
  }

  /** A builder for a store on the Redis at {@code uri}, e.g. {@code "redis://localhost:6379/0"}. */
  public static Builder builder(String uri) {
    return builder(RedisURI.create(Objects.requireNonNull(uri, "uri")));
  }

  /** A builder for a store on the Redis at {@code uri}. */
  public static Builder builder(RedisURI uri) {
    return new Builder(Objects.requireNonNull(uri, "uri"));
  }

  /** The key prefix. */
  public String prefix() {
    return prefix;
  }

  // ---- the primitives ----

  @Override
  protected List<StoredState> load(List<StateSeed> seeds, List<String> touchClients, long idleMillis) {
    List<String> args = new ArrayList<>(4 + touchClients.size() + seeds.size() * 8);
    args.add(prefix);
    args.add(Long.toString(idleMillis));
    args.add(Integer.toString(touchClients.size()));
    args.addAll(touchClients);
    args.add(Integer.toString(seeds.size()));
    for (StateSeed seed : seeds) {
      addSeed(args, seed);
    }
    List<Object> reply = run(Script.LOAD, ScriptOutputType.MULTI, args.toArray(String[]::new));
    List<ScriptReply> records = ScriptReply.records(reply);
    List<StoredState> states = new ArrayList<>(seeds.size());
    for (int i = 0; i < seeds.size(); i++) {
      states.add(records.get(i).state(seeds.get(i).id()));
    }
    return states;
  }

  @Override
  protected String value(StateId id) {
    return call("read " + id, () -> redis.hget(key(id), "v"));
  }

  @Override
  protected StoredState state(StateId id) {
    List<KeyValue<String, String>> fields = call("read " + id, () -> redis.hmget(key(id), "v", "ver", "c", "t"));
    if (!fields.get(0).hasValue()) {
      return null;
    }
    return new StoredState(id, fields.get(0).getValue(), Long.parseLong(fields.get(1).getValue()),
        fields.get(2).getValueOrElse(""), fields.get(3).getValueOrElse(""));
  }

  @Override
  protected Written set(StateId id, String value) {
    List<Object> result =
        writeUnlessHeld(Script.SET, ScriptOutputType.MULTI, prefix, id.scope(), id.key(), value);
    return result.isEmpty() ? null : written(ScriptReply.of(result), value);
  }

  @Override
  protected CompareAndSetResult compareAndSet(StateId id, long version, String value) {
    List<Object> result = writeUnlessHeld(Script.CAS, ScriptOutputType.MULTI, prefix, id.scope(), id.key(),
        Long.toString(version), value);
    if (result.isEmpty()) {
      return CompareAndSetResult.lost(null);
    }
    ScriptReply reply = ScriptReply.of(result);
    return reply.isSet("wrote") ? CompareAndSetResult.wrote(written(reply, value))
        : CompareAndSetResult.lost(reply.state(id));
  }

  @Override
  protected Written add(StateId id, NumberKind kind, String delta) {
    List<Object> result = writeUnlessHeld(Script.ADD, ScriptOutputType.MULTI, prefix, id.scope(), id.key(),
        kind.name(), delta);
    if (result.isEmpty()) {
      return null;
    }
    ScriptReply reply = ScriptReply.of(result);
    if (!reply.isSet("added")) {
      return Written.NOT_ADDED;
    }
    return new Written(reply.text("old"), reply.text("new"), reply.number("version"));
  }

  @Override
  protected CompareAndSetResult updateExclusively(StateId id, UnaryOperator<String> next) {
    String token = holdTokenPrefix + holds.incrementAndGet();
    List<Object> held = run(Script.HOLD, ScriptOutputType.MULTI, prefix, id.scope(), id.key(), token,
        Long.toString(holdMillis()));
    if (held.isEmpty() || isHeldReply(held)) {
      return CompareAndSetResult.lost(null); // gone, or held by another update
    }
    String value;
    try {
      value = HeldUpdates.apply(next, ScriptReply.of(held).text("value"), null);
    } catch (RuntimeException | Error e) {
      try {
        run(Script.WRITE_HELD, ScriptOutputType.MULTI, prefix, id.scope(), id.key(), token, "0", "");
      } catch (RuntimeException letGoFailed) {
        e.addSuppressed(letGoFailed); // the hold expires by itself
      }
      throw e;
    }
    List<Object> written = run(Script.WRITE_HELD, ScriptOutputType.MULTI, prefix, id.scope(), id.key(), token,
        value == null ? "0" : "1", value == null ? "" : value);
    return written.isEmpty() ? CompareAndSetResult.lost(null)
        : CompareAndSetResult.wrote(written(ScriptReply.of(written), value));
  }

  @Override
  protected Written createOrSet(StateSeed seed) {
    List<String> args = new ArrayList<>(9);
    args.add(prefix);
    addSeed(args, seed);
    List<Object> result = writeUnlessHeld(Script.PUT, ScriptOutputType.MULTI, args.toArray(String[]::new));
    return result.isEmpty() ? null : written(ScriptReply.of(result), seed.initial());
  }

  @Override
  protected boolean exists(StateId id) {
    return call("read " + id, () -> redis.exists(key(id))) > 0;
  }

  @Override
  protected boolean delete(StateId id) {
    long deleted = run(Script.DELETE, ScriptOutputType.INTEGER, prefix, id.scope(), id.key());
    return deleted == 1;
  }

  @Override
  protected int deleteStatesIn(String scope) {
    long deleted = run(Script.DELETE_SCOPE, ScriptOutputType.INTEGER, prefix, scope);
    return Math.toIntExact(deleted);
  }

  @Override
  protected List<StoredState> list(String scope) {
    List<StoredState> states = new ArrayList<>();
    if (scope != null) {
      List<Object> reply = run(Script.LIST, ScriptOutputType.MULTI, prefix, scope);
      for (ScriptReply record : ScriptReply.records(reply)) {
        states.add(record.state(StateId.of(scope, record.text("key"))));
      }
      return states;
    }
    // Every state: walk the prefix's keys with SCAN (never KEYS, which blocks the server).
    ScanIterator<String> keys = call("list the states",
        () -> ScanIterator.scan(redis, ScanArgs.Builder.matches(prefix + ":*").limit(500)));
    while (call("list the states", keys::hasNext)) {
      StateId id = stateId(keys.next());
      StoredState state = state(id);
      if (state != null) {
        states.add(state);
      }
    }
    return states;
  }

  @Override
  protected int endOwner(String owner) {
    long deleted = run(Script.END_OWNER, ScriptOutputType.INTEGER, prefix, owner);
    return Math.toIntExact(deleted);
  }

  /**
   * Ends the clients whose idle time ran out, in batches of {@value #SWEEP_BATCH}: each batch is one
   * script, so nodes sweeping at once never end a client twice.
   */
  @Override
  protected void sweepExpiredClients() {
    List<Object> ended;
    do {
      ended = run(Script.SWEEP, ScriptOutputType.MULTI, prefix, Integer.toString(SWEEP_BATCH));
    } while (((Long) ended.get(0)) == SWEEP_BATCH);
  }

  @Override
  protected void touch(String client, long idleMillis) {
    run(Script.TOUCH, ScriptOutputType.INTEGER, prefix, client, Long.toString(idleMillis));
  }

  @Override
  protected boolean redeclare(StateId id, long version, String declaration, String type, String value) {
    long done = writeUnlessHeld(Script.REDECLARE, ScriptOutputType.INTEGER, prefix, id.scope(), id.key(),
        Long.toString(version), declaration, type, value == null ? "0" : "1", value == null ? "" : value);
    return done == 1;
  }

  @Override
  protected void closeServer() {
    try {
      changes.close();
      connection.close();
    } finally {
      if (ownsClient) {
        client.shutdown();
      }
    }
  }

  @Override
  public String toString() {
    return "RedisStore[" + uri.getHost() + ":" + uri.getPort() + ", prefix=" + prefix + "]";
  }

  // ---- keys and replies ----

  private String key(StateId id) {
    return prefix + ":" + id.storeKey();
  }

  /** The id of a state key, undoing {@link StateId#storeKey()}'s escapes. */
  private StateId stateId(String key) {
    StringBuilder scope = new StringBuilder();
    StringBuilder part = scope;
    StringBuilder stateKey = new StringBuilder();
    for (int i = prefix.length() + 1; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c == '\\' && i + 1 < key.length()) {
        part.append(key.charAt(++i));
      } else if (c == ':' && part == scope) {
        part = stateKey;
      } else {
        part.append(c);
      }
    }
    return StateId.of(scope.toString(), stateKey.toString());
  }

  private static void addSeed(List<String> args, StateSeed seed) {
    args.add(seed.id().scope());
    args.add(seed.id().key());
    args.add(seed.initial());
    args.add(seed.declaration());
    args.add(seed.type());
    args.add(Long.toString(seed.idleMillis()));
    args.add(Integer.toString(seed.owners().size()));
    args.addAll(seed.owners());
  }

  /** What a write script answered: {@code 'old'} and {@code 'version'}; {@code value} is what it wrote. */
  private static Written written(ScriptReply reply, String value) {
    return new Written(reply.text("old"), value, reply.number("version"));
  }

  private <T> T run(Script script, ScriptOutputType output, String... args) {
    String what = script.name().toLowerCase(java.util.Locale.ROOT) + " " + args[1];
    if (script != Script.LIST) {
      HeldUpdates.refuseWrite(what);
    }
    return call(what, () -> Scripts.run(redis, script, output, args));
  }

  /**
   * Runs a write script, again while an update of another node holds the state (the script then answers
   * -1 and writes nothing); a hold lasts at most {@link #holdMillis()}.
   */
  private <T> T writeUnlessHeld(Script script, ScriptOutputType output, String... args) {
    long deadline = 0;
    for (int attempt = 0; ; attempt++) {
      T result = run(script, output, args);
      if (!isHeldReply(result)) {
        return result;
      }
      long now = System.nanoTime();
      if (attempt == 0) {
        deadline = now + TimeUnit.MILLISECONDS.toNanos(HOLDS_WAITED_FOR * holdMillis());
      } else if (now > deadline) {
        throw new StateException("state " + args[1] + ":" + args[2] + " stayed held by updates of other"
            + " nodes for " + HOLDS_WAITED_FOR * holdMillis() + " ms; nothing was written");
      }
      LockSupport.parkNanos(Math.min(1_000_000L, 20_000L << Math.min(attempt, 6)));
    }
  }

  private static boolean isHeldReply(Object reply) {
    return HELD.equals(reply) || reply instanceof List<?> list && list.size() == 1 && HELD.equals(list.get(0));
  }

  /** How long an update may hold a state: as long as one call may wait for the server. */
  private long holdMillis() {
    return Math.max(100, commandTimeout().toMillis());
  }

  /** Runs one call to Redis; a Redis that does not answer is a {@link StoreUnavailableException}. */
  private <T> T call(String what, Supplier<T> action) {
    try {
      return action.get();
    } catch (RedisCommandExecutionException e) {
      throw StoreMessages.refused("Redis", what, e);
    } catch (RedisException e) {
      throw StoreMessages.unavailable("Redis at " + uri.getHost() + ":" + uri.getPort(), what, e);
    }
  }

  /** Configures a {@link RedisStore}. */
  public static final class Builder extends RemoteStoreBuilder<Builder> {
    private final RedisURI uri;
    private RedisClient client;
    private String prefix = "state";

    private Builder(RedisURI uri) {
      this.uri = uri;
    }

    /**
     * The prefix of every key and of the change channel, so that several applications can share one
     * Redis: letters, digits, {@code _ . -}; {@code "state"} by default.
     *
     * @throws IllegalArgumentException if {@code prefix} is empty or holds other characters
     */
    public Builder prefix(String prefix) {
      Objects.requireNonNull(prefix, "prefix");
      if (!PREFIX.matcher(prefix).matches()) {
        throw new IllegalArgumentException("a Redis key prefix needs 1 to 64 letters, digits, '_', '.' or"
            + " '-', but was '" + prefix + "'");
      }
      this.prefix = prefix;
      return this;
    }

    /**
     * Connects through {@code client} (shared with the application; the store does not shut it down)
     * instead of a client of its own. Give it {@code DisconnectedBehavior.REJECT_COMMANDS} so that calls
     * fail fast while Redis is down.
     */
    public Builder client(RedisClient client) {
      this.client = Objects.requireNonNull(client, "client");
      return this;
    }

    /**
     * Connects and returns the store.
     *
     * @throws StoreUnavailableException if Redis does not answer
     */
    public RedisStore build() {
      return new RedisStore(this);
    }

    @Override
    protected Builder self() {
      return this;
    }
  }
}
