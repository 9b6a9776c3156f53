package dev.reactserver.state.remote.spi;

import dev.reactserver.state.runtime.ScopeKind;
import dev.reactserver.state.runtime.StateId;
import dev.reactserver.state.runtime.StateListener;
import dev.reactserver.state.runtime.StateRef;
import dev.reactserver.state.runtime.Store;
import dev.reactserver.state.runtime.StoreMetrics;
import dev.reactserver.state.runtime.Subscription;
import dev.reactserver.state.runtime.spi.ResolvedScopes;
import dev.reactserver.state.runtime.spi.StateCodec;
import dev.reactserver.state.runtime.spi.StateDeclaration;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.Lock;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * A {@link Store} whose states live on a server that several application nodes share: every node sees
 * the same values, atomic writes hold across nodes, and changes written on one node reach the listeners
 * of every node through the server's change channel.
 *
 * <p>This class holds what such stores share: handles, JSON codecs chosen from declared types,
 * declaration checks, optimistic updates with bounded retries (holding the state on the server once they
 * keep losing, where the server can), change delivery and client expiry. A store for one server
 * implements the primitives below; each is one round trip and atomic on the server, and every write it
 * makes publishes its change (see {@link #receive(String)} for the message format).
 *
 * <p>Listeners run on one delivery thread per store, one at a time, in the order the server published
 * the changes. A listener may be told of a change written just before it subscribed.
 */
public abstract class RemoteStore implements Store, AutoCloseable {

  private static final Comparator<StateId> BY_SCOPE_AND_KEY =
      Comparator.comparing(StateId::scope).thenComparing(StateId::key);
  /** Set while this thread runs an update: it holds at most one update lock, so none can deadlock. */
  private static final ThreadLocal<Boolean> UPDATING = new ThreadLocal<>();

  private final Duration commandTimeout;
  private final long idleMillis;
  private final RetryPolicy policy;
  private final Declarations declarations;
  private final ClientTouches touches;
  private final ChangeDispatcher changes;
  private final StoreMetrics metrics;
  private final String name;
  /** Started by {@link #startSweeping()}; null until then, or if clients never expire. */
  private volatile IdleClientSweeper sweeper;

  /**
   * @param settings the shared settings
   * @param name names the store's delivery thread
   */
  protected RemoteStore(RemoteStoreBuilder<?> settings, String name) {
    this.commandTimeout = settings.commandTimeout;
    this.idleMillis = settings.idleClientTimeout == null ? 0 : settings.idleClientTimeout.toMillis();
    this.policy = new RetryPolicy(settings.updateAttempts);
    this.declarations = new Declarations(this, settings.codecs, settings.resetUndecodable);
    this.touches = new ClientTouches(idleMillis);
    this.metrics = settings.metrics;
    this.name = name;
    this.changes = new ChangeDispatcher(name, declarations::codecFor, this::value, this::list, metrics);
  }

  // ---- the primitives of one server: one round trip each, atomic, every write publishes its change ----

  /**
   * Creates the states of {@code seeds} that do not exist (creation publishes nothing) and returns
   * every one of them as it is now, in order; also renews the expiry of the states of the client owner
   * scopes {@code touchClients} to {@code idleMillis}.
   */
  protected abstract List<StoredState> load(List<StateSeed> seeds, List<String> touchClients, long idleMillis);

  /** The encoded value of the state {@code id}, or null if it does not exist. */
  protected abstract String value(StateId id);

  /** The state {@code id}, or null if it does not exist. */
  protected abstract StoredState state(StateId id);

  /** Sets the value of an existing state; null if it does not exist (nothing written). */
  protected abstract Written set(StateId id, String value);

  /**
   * Sets the value if the state's version is {@code version}; otherwise writes nothing and returns the
   * state found instead, if the server tells it.
   */
  protected abstract CompareAndSetResult compareAndSet(StateId id, long version, String value);

  /**
   * Adds {@code delta} (a decimal literal) to an existing numeric state: null if it does not exist;
   * {@link Written#NOT_ADDED}, with nothing written, if the sum leaves {@code kind}'s range, the value is
   * not a number, or the server cannot add that kind exactly as Java does.
   */
  protected abstract Written add(StateId id, NumberKind kind, String delta);

  /**
   * Holds the state against every other writer, writes {@code next} applied to its encoded value, and
   * lets it go: an update that keeps losing its compare-and-set to busier writers (other nodes adding
   * without pause) gets its turn this way. Run {@code next} through {@link HeldUpdates#apply}: it runs
   * the update's function, which may read states; a write it attempts while the state is held must not
   * wait for another held state (two held states could wait for each other), so the store's write
   * primitives call {@link HeldUpdates#refuseWrite} first. A refused write makes this write nothing and
   * return {@link CompareAndSetResult#lost lost}; the update goes on comparing and setting.
   *
   * <p>Returns lost, with nothing written, also if the state does not exist; the default, for servers
   * that cannot hold a state, always does.
   */
  protected CompareAndSetResult updateExclusively(StateId id, UnaryOperator<String> next) {
    return CompareAndSetResult.lost(null);
  }

  /** Creates the state from {@code seed} (publishing nothing) and returns null, or sets its value to the seed's initial value. */
  protected abstract Written createOrSet(StateSeed seed);

  /** Whether the state exists. */
  protected abstract boolean exists(StateId id);

  /** Deletes the state; whether it existed. */
  protected abstract boolean delete(StateId id);

  /** Deletes every state of the scope, publishing each deletion and then the end of the scope; how many. */
  protected abstract int deleteStatesIn(String scope);

  /** Every state of {@code scope}, or of every scope if it is null, in any order. */
  protected abstract List<StoredState> list(String scope);

  /** Deletes every scope that substituted the owner scope {@code owner}, as {@link #deleteStatesIn} does; how many states. */
  protected abstract int endOwner(String owner);

  /** Renews the expiry of every state of the client owner scope {@code client} to {@code idleMillis}. */
  protected abstract void touch(String client, long idleMillis);

  /**
   * Records another declaration for a state whose version is {@code version}, and sets its value to
   * {@code value} unless that is null; false if the version moved on (nothing written).
   */
  protected abstract boolean redeclare(StateId id, long version, String declaration, String type, String value);

  /**
   * Ends the clients whose idle time ran out, telling each deleted state, as {@link #endOwner} does. Every
   * node runs it on its own schedule (see {@link #startSweeping()}), so it must be safe to run on several
   * nodes at once: a client is ended once. A failure is logged by the caller; the next sweep tries again.
   */
  protected abstract void sweepExpiredClients();

  /** Closes the connections this store opened; the sweep has stopped and no call is made afterwards. */
  protected abstract void closeServer();

  /**
   * Starts running {@link #sweepExpiredClients()} every quarter of the idle client timeout (at least every
   * 50 ms) on a thread of this store, until it is closed; nothing if clients never expire. Call it once the
   * store can reach its server; a store in a runtime that freezes between invocations does not call it.
   */
  protected final void startSweeping() {
    if (idleMillis > 0 && sweeper == null) {
      sweeper = new IdleClientSweeper(name, toString(), idleMillis, this::sweepExpiredClients);
    }
  }

  /**
   * Takes one message of the server's change channel in the text format of {@link ChangeMessage} (one
   * change, or an array told in its order). Returns at once; listeners are told on the delivery thread. A
   * malformed message is logged and ignored.
   */
  protected final void receive(String message) {
    changes.receive(message);
  }

  /** Takes one change the server told as a value (see {@link #receive(String)}). */
  protected final void receive(ChangeMessage change) {
    changes.receive(change);
  }

  /**
   * Call when the change channel is back after it was down (changes published meanwhile were not
   * received): every state with listeners on this node whose value moved is told, once, before the
   * messages that follow.
   */
  protected final void changeChannelRestored() {
    changes.resynchronize();
  }

  /** How long a call may wait for the server. */
  protected final Duration commandTimeout() {
    return commandTimeout;
  }

  /** How long client states live unseen, in milliseconds; 0 if they never expire. */
  protected final long idleClientTimeoutMillis() {
    return idleMillis;
  }

  // ---- Store ----

  @Override
  public <T> StateRef<T> getState(T initial, StateId id) {
    Objects.requireNonNull(id, "id");
    RemoteStateRef<T> ref = untyped(initial, id);
    loadStates(List.of(ref));
    return ref;
  }

  @Override
  public <T> StateRef<T> getState(T initial, StateId id, StateDeclaration<T> declaration) {
    StateRef<T> ref = prepareState(initial, id, declaration);
    loadStates(List.of(ref));
    return ref;
  }

  @Override
  public <T> StateRef<T> prepareState(T initial, StateId id, StateDeclaration<T> declaration) {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(declaration, "declaration");
    StateCodec<T> codec = declarations.register(declaration);
    String encoded = Declarations.encode(id, codec, initial);
    StateSeed seed = seed(id, encoded, StoredDeclaration.encode(declaration), declaration.type().boxedName());
    return new RemoteStateRef<>(this, seed, declaration, codec, initial);
  }

  @Override
  public void loadStates(List<? extends StateRef<?>> prepared) {
    if (prepared.isEmpty()) {
      return;
    }
    List<RemoteStateRef<?>> refs = new ArrayList<>(prepared.size());
    List<StateSeed> seeds = new ArrayList<>(prepared.size());
    for (StateRef<?> ref : prepared) {
      RemoteStateRef<?> remote = requireOwnHandle(ref);
      refs.add(remote);
      seeds.add(remote.seed);
    }
    List<StoredState> stored = timed("bind", () -> load(seeds, touches.due(seeds), idleMillis));
    for (int i = 0; i < refs.size(); i++) {
      declarations.check(refs.get(i), stored.get(i));
    }
  }

  @Override
  public <T> StateRef<T> createState(T initial, StateId id) {
    Objects.requireNonNull(id, "id");
    RemoteStateRef<T> ref = untyped(initial, id);
    timed("create", () -> createOrSet(ref.seed));
    metrics.stateWritten(ScopeKind.of(id.scope()));
    return ref;
  }

  @Override
  public boolean hasState(StateId id) {
    Objects.requireNonNull(id, "id");
    return timed("exists", () -> exists(id));
  }

  @Override
  public boolean deleteState(StateId id) {
    Objects.requireNonNull(id, "id");
    return timed("delete", () -> delete(id));
  }

  @Override
  public Map<String, StateRef<?>> statesIn(String scope) {
    Objects.requireNonNull(scope, "scope");
    List<StoredState> stored = new ArrayList<>(timed("list", () -> list(scope)));
    stored.sort(Comparator.comparing(s -> s.id().key()));
    Map<String, StateRef<?>> states = new LinkedHashMap<>();
    for (StoredState state : stored) {
      states.put(state.id().key(), snapshotRef(state));
    }
    return states;
  }

  @Override
  public Map<StateId, StateRef<?>> states() {
    List<StoredState> stored = new ArrayList<>(timed("list", () -> list(null)));
    stored.sort(Comparator.comparing(StoredState::id, BY_SCOPE_AND_KEY));
    Map<StateId, StateRef<?>> states = new LinkedHashMap<>();
    for (StoredState state : stored) {
      states.put(state.id(), snapshotRef(state));
    }
    return states;
  }

  @Override
  public int deleteScope(String scope) {
    Objects.requireNonNull(scope, "scope");
    return timed("delete-scope", () -> deleteStatesIn(scope));
  }

  @Override
  public Subscription subscribe(String scope, StateListener<Object> listener) {
    Objects.requireNonNull(scope, "scope");
    Objects.requireNonNull(listener, "listener");
    return changes.subscribe(scope, listener);
  }

  @Override
  public int endClient(String clientId) {
    String owner = ResolvedScopes.client(clientId);
    touches.forget(owner);
    return timed("end", () -> endOwner(owner));
  }

  @Override
  public int endUser(String userId) {
    String owner = ResolvedScopes.user(userId);
    return timed("end", () -> endOwner(owner));
  }

  @Override
  public int endComponent(String componentKey) {
    String owner = ResolvedScopes.component(componentKey);
    return timed("end", () -> endOwner(owner));
  }

  @Override
  public void touchClient(String clientId) {
    String owner = ResolvedScopes.client(clientId);
    if (idleMillis > 0 && touches.due(owner)) {
      timed("touch", () -> {
        touch(owner, idleMillis);
        return null;
      });
    }
  }

  /** Stops change delivery and closes the connections this store opened. */
  @Override
  public void close() {
    IdleClientSweeper running = sweeper;
    if (running != null) {
      running.close();
    }
    try {
      closeServer();
    } finally {
      changes.close();
    }
  }

  // ---- handles ----

  <T> T handleGet(RemoteStateRef<T> ref) {
    String value = timed("get", () -> {
      String stored = value(ref.id());
      for (int attempt = 0; stored == null && attempt < RetryPolicy.RECREATE_ATTEMPTS; attempt++) {
        stored = loadHandle(ref).value(); // deleted: this handle creates it again
      }
      return stored;
    });
    return declarations.decode(ref, value);
  }

  <T> void handleSet(RemoteStateRef<T> ref, T value) {
    String encoded = Declarations.encode(ref.id(), ref.codec, value);
    timed("set", () -> {
      for (int attempt = 0; set(ref.id(), encoded) == null; attempt++) {
        recreate(ref, attempt);
      }
      return null;
    });
    metrics.stateWritten(ScopeKind.of(ref.id().scope()));
  }

  <T> T handleUpdate(RemoteStateRef<T> ref, UnaryOperator<T> fn) {
    Objects.requireNonNull(fn, "fn");
    int[] retries = {0};
    T next;
    try {
      next = timed("update", () -> updateInTurn(ref, fn, retries));
    } finally {
      for (int i = 0; i < retries[0]; i++) {
        metrics.updateRetried(); // after the update's turn: metrics are the application's code
      }
    }
    metrics.stateWritten(ScopeKind.of(ref.id().scope()));
    return next;
  }

  private <T> T updateInTurn(RemoteStateRef<T> ref, UnaryOperator<T> fn, int[] retries) {
    if (UPDATING.get() != null) {
      // An update inside an update's function: never wait on a lock, never hold the state.
      return updateOptimistically(ref, fn, false, retries);
    }
    // Threads of this node take turns (per stripe of states), so that mostly other nodes make an attempt
    // fail: optimistic attempts of many local threads would mostly collide with each other.
    Lock lock = policy.turnFor(ref.id());
    lock.lock();
    UPDATING.set(Boolean.TRUE);
    try {
      return updateOptimistically(ref, fn, true, retries);
    } finally {
      UPDATING.remove();
      lock.unlock();
    }
  }

  private <T> T updateOptimistically(RemoteStateRef<T> ref, UnaryOperator<T> fn, boolean mayHoldState,
      int[] retries) {
    boolean prioritized = false;
    try {
      StoredState current = stateOrCreate(ref);
      for (int attempt = 1; ; attempt++) {
        if (!prioritized && !HeldUpdates.isHolding()) { // a holder's writes are refused: never make it wait
          policy.yieldToPriority(ref.id(), commandTimeout);
        }
        long started = System.nanoTime();
        T next = fn.apply(declarations.decode(ref, current.value()));
        CompareAndSetResult result =
            compareAndSet(ref.id(), current.version(), Declarations.encode(ref.id(), ref.codec, next));
        if (result.written() != null) {
          return next;
        }
        if (mayHoldState && policy.holdsAfter(attempt)) {
          List<T> computed = new ArrayList<>(1); // the function's own result, as the optimistic path returns
          CompareAndSetResult held = updateExclusively(ref.id(), encoded -> {
            computed.clear();
            computed.add(fn.apply(declarations.decode(ref, encoded)));
            return Declarations.encode(ref.id(), ref.codec, computed.get(0));
          });
          if (held.written() != null) {
            return computed.get(0);
          }
        }
        policy.checkAttempts(ref.id(), attempt);
        prioritized = prioritized || policy.takePriority(ref.id(), attempt);
        retries[0]++;
        if (RetryPolicy.retriesAtOnce(attempt) && result.found() != null) {
          current = result.found(); // fresh: retry at once, without another read
        } else {
          // writers keep colliding: spread them out, then read what is there now
          RetryPolicy.backOff(attempt, System.nanoTime() - started);
          current = stateOrCreate(ref);
        }
      }
    } finally {
      if (prioritized) {
        policy.endPriority();
      }
    }
  }

  /** The new encoded value, or null if the server could not add (see {@link #add}). */
  String handleAdd(RemoteStateRef<?> ref, NumberKind kind, String delta) {
    String sum = timed("increment", () -> {
      for (int attempt = 0; ; attempt++) {
        Written written = add(ref.id(), kind, delta);
        if (written != null) {
          return written.newValue();
        }
        recreate(ref, attempt);
      }
    });
    if (sum != null) {
      metrics.stateWritten(ScopeKind.of(ref.id().scope()));
    }
    return sum;
  }

  /** Runs one call of the store's API, timed for {@link StoreMetrics#serverCall} if metrics are on. */
  private <T> T timed(String operation, Supplier<T> call) {
    if (metrics == StoreMetrics.NONE) {
      return call.get();
    }
    long start = System.nanoTime();
    boolean failed = true;
    try {
      T result = call.get();
      failed = false;
      return result;
    } finally {
      metrics.serverCall(operation, System.nanoTime() - start, failed);
    }
  }

  <T> Subscription handleSubscribe(RemoteStateRef<T> ref, StateListener<? super T> listener) {
    Objects.requireNonNull(listener, "listener");
    return changes.subscribe(ref.id(), ref.codec, listener);
  }

  private StoredState stateOrCreate(RemoteStateRef<?> ref) {
    StoredState state = state(ref.id());
    for (int attempt = 0; state == null; attempt++) {
      recreate(ref, attempt);
      state = state(ref.id());
    }
    return state;
  }

  StoredState loadHandle(RemoteStateRef<?> ref) {
    return load(List.of(ref.seed), touches.due(List.of(ref.seed)), idleMillis).get(0);
  }

  private void recreate(RemoteStateRef<?> ref, int attempt) {
    RetryPolicy.checkRecreate(ref.id(), attempt);
    loadHandle(ref);
  }

  // ---- declarations and codecs ----

  private <T> RemoteStateRef<T> untyped(T initial, StateId id) {
    Class<?> type = Declarations.untypedClass(initial);
    @SuppressWarnings("unchecked")
    StateCodec<T> codec = (StateCodec<T>) declarations.forClass(type);
    return new RemoteStateRef<>(this, seed(id, Declarations.encode(id, codec, initial), "", type.getName()),
        null, codec, initial);
  }

  private RemoteStateRef<?> snapshotRef(StoredState state) {
    @SuppressWarnings("unchecked")
    StateCodec<Object> codec = (StateCodec<Object>) declarations.codecFor(state.declaration(), state.type());
    Object value;
    try {
      value = codec.decode(state.value());
    } catch (IllegalArgumentException e) {
      value = null; // the handle's get() names the problem
    }
    return new RemoteStateRef<>(this, seed(state.id(), state.value(), state.declaration(), state.type()),
        null, codec, value);
  }

  private StateSeed seed(StateId id, String initial, String declaration, String type) {
    List<String> owners = ResolvedScopes.owners(id.scope());
    boolean clientOwned = owners.stream().anyMatch(ResolvedScopes::isClient);
    return new StateSeed(id, initial, declaration, type, owners, clientOwned ? idleMillis : 0);
  }

  private RemoteStateRef<?> requireOwnHandle(StateRef<?> ref) {
    if (ref instanceof RemoteStateRef<?> remote && remote.store == this) {
      return remote;
    }
    throw new IllegalArgumentException(ref + " was not prepared by this store");
  }
}
