package dev.reactserver.state.runtime;

import dev.reactserver.state.runtime.scope.OwnerScopes;
import dev.reactserver.state.runtime.spi.StateDeclaration;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * The embedded default store: states live in this JVM's heap.
 *
 * <p>Thread-safe. Reads and writes of a bound state take no lock (one volatile read, or one
 * compare-and-set); {@link StateRef#update} and the generated {@code increment…} methods are atomic and
 * lose no concurrent write. While a state has listeners (of its own or of its scope), its writes take
 * the state's lock so that listeners see them in order. Creating and deleting states lock only the scope
 * concerned. A scope whose last state is deleted is dropped, so clients that left cost no memory.
 *
 * <p>Each client, user and component instance is anchored by its own scope ({@code "$client(c-42)"}):
 * composite scopes that substituted its id register with that anchor, which is how
 * {@link #endClient} and its siblings find them without scanning the store.
 *
 * <p>Locks, always taken in this order and never held while user code (an update function, a listener)
 * runs: a composite scope's monitor, then its owner scopes' monitors ({@link #close}), then a cell's
 * monitor (a deletion detaching it, a write publishing its result, a listener arriving), then the
 * monitor of a change queue. Listeners are told after every lock is released.
 *
 * <p>Clients not seen for {@link StoreOptions#idleClientTimeout()} are ended by the store itself: the
 * check runs on the threads that bind states, at most a few times per timeout, so no thread is started.
 * {@link #expireIdleClients()} runs it at once.
 */
public final class InMemoryStore implements Store {

  private static final int CHANGE_QUEUES = 64;

  private final Clock clock;
  private final long idleTimeoutMillis;
  private final long sweepIntervalMillis;
  private final Executor listenerExecutor;
  private final long maxStates;

  private final ConcurrentHashMap<String, Scope> scopes = new ConcurrentHashMap<>();
  private final AtomicLong stateCount = new AtomicLong();
  private final LongAdder[] statesByKind = new LongAdder[ScopeKind.values().length];
  final StoreMetrics metrics;
  /** Active subscriptions, of states and of scopes. */
  final LongAdder subscriptions = new LongAdder();
  /**
   * Changes waiting for listeners, striped by state id: every change of one id, whichever cell or scope
   * object held it, goes through one queue, so a deletion and the writes that recreate the state are
   * told in order.
   */
  private final ChangeQueue[] changeQueues;
  private final AtomicBoolean sweeping = new AtomicBoolean();
  private volatile long nextSweepMillis;

  /** Creates an empty store with {@link StoreOptions#defaults()}. */
  public InMemoryStore() {
    this(StoreOptions.defaults());
  }

  /** Creates an empty store with {@code options}. */
  public InMemoryStore(StoreOptions options) {
    Objects.requireNonNull(options, "options");
    this.clock = options.clock();
    this.idleTimeoutMillis = options.idleClientTimeout().map(d -> Math.max(1, d.toMillis())).orElse(0L);
    this.sweepIntervalMillis = Math.max(1, idleTimeoutMillis / 4);
    this.listenerExecutor = options.listenerExecutor().orElse(null);
    this.maxStates = options.maxStates();
    this.metrics = options.metrics();
    for (int i = 0; i < statesByKind.length; i++) {
      statesByKind[i] = new LongAdder();
    }
    this.changeQueues = new ChangeQueue[CHANGE_QUEUES];
    for (int i = 0; i < CHANGE_QUEUES; i++) {
      changeQueues[i] = new ChangeQueue(listenerExecutor, metrics);
    }
    this.nextSweepMillis = idleTimeoutMillis > 0 ? clock.millis() + sweepIntervalMillis : Long.MAX_VALUE;
  }

  @Override
  public <T> StateRef<T> getState(T initial, StateId id) {
    return getState(initial, id, null);
  }

  @Override
  public <T> StateRef<T> getState(T initial, StateId id, StateDeclaration<T> declaration) {
    Objects.requireNonNull(id, "id");
    Scope scope = scopes.get(id.scope());
    Cell<?> cell = scope == null ? null : scope.find(id.key());
    if (cell != null && cell.checkDeclaration(declaration)) {
      seen(cell.scope);
      return cast(cell);
    }
    return cast(insert(id, initial, declaration, false)); // absent, or deleted while checked
  }

  @Override
  public <T> StateRef<T> createState(T initial, StateId id) {
    Objects.requireNonNull(id, "id");
    return cast(insert(id, initial, null, true));
  }

  @Override
  public boolean hasState(StateId id) {
    Scope scope = scopes.get(id.scope());
    return scope != null && scope.find(id.key()) != null;
  }

  @Override
  public boolean deleteState(StateId id) {
    Scope scope = scopes.get(id.scope());
    if (scope == null) {
      return false;
    }
    Cell<?> cell;
    synchronized (scope) {
      cell = scope.closed ? null : scope.find(id.key());
      if (cell == null) {
        return false;
      }
      // Detach before unlinking: until then lock-free readers still find the state, and a write that
      // finds it detached waits for this lock, so no write can land on a state already reported gone.
      cell.detach();
      scope.remove(cell);
      stateCount.decrementAndGet();
      statesByKind[scope.scopeKind().ordinal()].decrement();
      if (scope.isUnused()) {
        close(scope);
      }
    }
    cell.deliver();
    return true;
  }

  @Override
  public Map<String, StateRef<?>> statesIn(String scope) {
    Objects.requireNonNull(scope, "scope");
    Scope states = scopes.get(scope);
    if (states == null) {
      return Map.of();
    }
    Map<String, StateRef<?>> snapshot = new TreeMap<>();
    for (Cell<?> cell : states.values()) {
      snapshot.put(cell.key(), cell);
    }
    return Collections.unmodifiableMap(snapshot);
  }

  @Override
  public Map<StateId, StateRef<?>> states() {
    Map<StateId, StateRef<?>> all = new TreeMap<>(
        (a, b) -> a.scope().equals(b.scope()) ? a.key().compareTo(b.key()) : a.scope().compareTo(b.scope()));
    for (Scope scope : scopes.values()) {
      for (Cell<?> cell : scope.values()) {
        all.put(cell.id(), cell);
      }
    }
    return Collections.unmodifiableMap(all);
  }

  @Override
  public int deleteScope(String scope) {
    Objects.requireNonNull(scope, "scope");
    Scope states = scopes.get(scope);
    return states == null ? 0 : delete(states, false);
  }

  @Override
  public Subscription subscribe(String scope, StateListener<Object> listener) {
    Objects.requireNonNull(scope, "scope");
    Objects.requireNonNull(listener, "listener");
    while (true) {
      Scope states = scope(scope);
      synchronized (states) {
        if (states.closed) {
          continue; // deleted concurrently: subscribe to its successor
        }
        Registration registration = new Registration(listener, states::unsubscribe, subscriptions);
        states.listeners = CopyOnWrite.append(states.listeners, registration);
        for (Cell<?> cell : states.values()) {
          cell.observe();
        }
        return registration;
      }
    }
  }

  @Override
  public int endClient(String clientId) {
    return end(OwnerScopes.Placeholder.CLIENT, OwnerScopes.requireId(clientId, "client id"));
  }

  @Override
  public int endUser(String userId) {
    return end(OwnerScopes.Placeholder.USER, OwnerScopes.requireId(userId, "user id"));
  }

  @Override
  public int endComponent(String componentKey) {
    return end(OwnerScopes.Placeholder.COMPONENT, OwnerScopes.requireId(componentKey, "component key"));
  }

  @Override
  public void touchClient(String clientId) {
    String name = OwnerScopes.ownerScope(OwnerScopes.Placeholder.CLIENT,
        OwnerScopes.requireId(clientId, "client id"));
    Scope client = scopes.get(name);
    if (client != null && idleTimeoutMillis > 0) {
      client.lastSeenMillis = clock.millis();
    }
  }

  /**
   * Ends every client not seen for the idle timeout now, instead of at the next check.
   *
   * @return how many states were removed
   */
  public int expireIdleClients() {
    return idleTimeoutMillis > 0 ? sweep(clock.millis()) : 0;
  }

  /** How many states the store holds. */
  public long size() {
    return stateCount.get();
  }

  /** For logs and the example's output: {@code InMemoryStore[3 states, idle clients end after PT30M]}. */
  /** How many subscriptions are active (not closed, their state or scope not deleted). */
  public long subscriptions() {
    return subscriptions.sum();
  }

  /** How many states the scopes of {@code kind} hold (for metrics; exact when no write is under way). */
  public long size(ScopeKind kind) {
    return statesByKind[kind.ordinal()].sum();
  }

  @Override
  public String toString() {
    return "InMemoryStore[" + size() + (size() == 1 ? " state" : " states") + ", idle clients "
        + (idleTimeoutMillis > 0 ? "end after " + Duration.ofMillis(idleTimeoutMillis) : "never end")
        + "]";
  }

  private int end(OwnerScopes.Placeholder kind, String id) {
    Scope owner = scopes.get(OwnerScopes.ownerScope(kind, id));
    return owner == null ? 0 : delete(owner, true);
  }

  /**
   * Deletes every state of {@code scope}, tells listeners, and drops the scope unless composite scopes
   * that substituted its id still need it as their owner; with {@code withDependents}, deletes those
   * too (ending a client, user or component instance). Returns how many states.
   */
  private int delete(Scope scope, boolean withDependents) {
    List<Cell<?>> detached;
    Registration[] scopeListeners;
    Scope[] dependents;
    synchronized (scope) {
      if (scope.closed) {
        return 0;
      }
      // Detach every cell before unlinking the scope (see deleteState); a handle that finds its cell
      // detached waits for this lock, then finds the scope closed and looks the state up afresh.
      detached = new ArrayList<>();
      for (Cell<?> cell : scope.values()) {
        if (cell.detach()) {
          detached.add(cell);
        }
      }
      scope.clear();
      stateCount.addAndGet(-detached.size());
      statesByKind[scope.scopeKind().ordinal()].add(-detached.size());
      scopeListeners = scope.listeners;
      scope.listeners = Registration.NONE;
      dependents = withDependents ? scope.dependents : Scope.NONE;
      if (withDependents) {
        scope.dependents = Scope.NONE;
      }
      if (scope.isUnused()) {
        close(scope);
      }
    }
    for (Cell<?> cell : detached) {
      cell.deliver();
    }
    for (Registration listener : scopeListeners) {
      listener.retire();
    }
    int deleted = detached.size();
    for (Scope dependent : dependents) {
      deleted += delete(dependent, true);
    }
    return deleted;
  }

  /** Unlinks {@code scope} from the store and from its owner scopes; the caller holds its monitor. */
  void close(Scope scope) {
    scope.closed = true;
    scopes.remove(scope.name, scope);
    for (Scope owner : scope.owners) {
      synchronized (owner) {
        owner.dependents = CopyOnWrite.remove(owner.dependents, scope, Scope.NONE);
        if (!owner.closed && owner.isUnused()) {
          close(owner);
        }
      }
    }
  }

  private Cell<?> insert(StateId id, Object initial, StateDeclaration<?> declaration, boolean overwrite) {
    maybeSweep();
    while (true) {
      Scope scope = scope(id.scope());
      Cell<?> cell;
      boolean overwritten = false;
      synchronized (scope) {
        if (scope.closed) {
          continue; // deleted concurrently: start over with a fresh scope
        }
        Cell<?> existing = scope.find(id.key());
        cell = existing == null ? create(scope, id.key(), initial, initial, false, declaration) : existing;
        if (existing != null) {
          existing.checkDeclaration(declaration); // live: deletions hold the scope's lock
          if (overwrite) {
            existing.overwrite(initial); // a constant function: no user code under the lock
            overwritten = true;
          }
        }
      }
      if (overwritten) {
        cell.written();
      }
      cell.deliver();
      seen(scope); // outside the scope's lock: it may end idle clients
      return cell;
    }
  }

  /**
   * Applies {@code action} to the live cell of a state, created from {@code initial} if absent, for a
   * handle whose cell was deleted, while holding the scope's lock: no deletion comes in between, so
   * the operation creates the state at most once. {@code action} is the store's own code (a read, a
   * subscription), never user code.
   */
  <R> R onLiveCell(String scopeName, String key, Object initial, StateDeclaration<?> declaration,
      Function<Cell<?>, R> action) {
    while (true) {
      Scope scope = scope(scopeName);
      R result;
      synchronized (scope) {
        if (scope.closed) {
          continue; // deleted concurrently: start over with a fresh scope
        }
        Cell<?> cell = scope.find(key);
        if (cell == null) {
          cell = create(scope, key, initial, initial, false, declaration);
        } else {
          cell.checkDeclaration(declaration); // live: deletions hold the scope's lock
        }
        result = action.apply(cell);
      }
      seen(scope);
      return result;
    }
  }

  /**
   * A write through a handle whose state was deleted: if the state is still absent, creates it holding
   * {@code value} as one step (telling the scope's listeners of the change from {@code initial}) and
   * returns null; otherwise returns the live cell, which the caller writes the usual way, outside every
   * lock, since its write may run user code.
   */
  Cell<?> recreate(String scopeName, String key, Object initial, Object value, StateDeclaration<?> declaration) {
    while (true) {
      Scope scope = scope(scopeName);
      Cell<?> created;
      synchronized (scope) {
        if (scope.closed) {
          continue;
        }
        Cell<?> live = scope.find(key);
        if (live != null) {
          live.checkDeclaration(declaration);
          return live;
        }
        created = create(scope, key, initial, value, true, declaration);
      }
      created.deliver();
      seen(scope);
      return null;
    }
  }

  /**
   * Adds a new cell for {@code key} to {@code scope}, holding {@code value}; the caller holds the
   * scope's lock. If {@code written}, the value is a write's: the scope's listeners are told, before the
   * cell is visible, so that the change is queued ahead of any later write.
   */
  private Cell<?> create(Scope scope, String key, Object initial, Object value, boolean written,
      StateDeclaration<?> declaration) {
    reserveState(scope.name, key);
    statesByKind[scope.scopeKind().ordinal()].increment();
    Registration[] listeners = scope.listeners;
    Cell<?> cell = Cell.create(scope, key, initial, value, declaration, listeners.length > 0);
    if (written) {
      StateId id = cell.id();
      changeQueue(id).offer(new StateChange<>(id, initial, value, false), listeners);
    }
    scope.add(cell);
    return cell;
  }

  ChangeQueue changeQueue(StateId id) {
    int hash = id.hashCode();
    return changeQueues[(hash ^ (hash >>> 16)) & (CHANGE_QUEUES - 1)];
  }

  private void reserveState(String scope, String key) {
    long count;
    do {
      count = stateCount.get();
      if (count >= maxStates) {
        throw new StateLimitException(StateId.of(scope, key), maxStates);
      }
    } while (!stateCount.compareAndSet(count, count + 1));
  }

  /**
   * The scope {@code name}, created if absent. A scope that substituted ids is registered with the
   * owner scope of each (created if need be), so that ending the owner finds it.
   */
  private Scope scope(String name) {
    Scope existing = scopes.get(name);
    if (existing != null) {
      return existing;
    }
    List<String> ownerNames = OwnerScopes.ownerScopes(name);
    if (ownerNames.isEmpty() || ownerNames.get(0).length() == name.length()) {
      // a global scope, or an owner scope itself
      return scopes.computeIfAbsent(name, n -> new Scope(this, n, Scope.NONE, OwnerScopes.ownerKind(n), idleNow()));
    }
    while (true) {
      Scope[] owners = new Scope[ownerNames.size()];
      for (int i = 0; i < owners.length; i++) {
        owners[i] = scope(ownerNames.get(i));
      }
      Scope scope = scopes.computeIfAbsent(name, n -> new Scope(this, n, owners, null, idleNow()));
      if (scope.owners != owners || register(scope)) {
        return scope; // created and registered by another thread, or registered here
      }
      delete(scope, true); // an owner ended meanwhile: so does this scope; start over with fresh owners
    }
  }

  /** Registers a new composite scope with its owners; false if one of them was closed meanwhile. */
  private static boolean register(Scope scope) {
    for (Scope owner : scope.owners) {
      synchronized (owner) {
        if (owner.closed) {
          return false;
        }
        owner.dependents = CopyOnWrite.append(owner.dependents, scope);
      }
    }
    return true;
  }

  /** Marks the clients of {@code scope} seen now. */
  private void seen(Scope scope) {
    if (idleTimeoutMillis == 0 || !scope.hasClient) {
      return;
    }
    long now = clock.millis();
    if (scope.kind == OwnerScopes.Placeholder.CLIENT) {
      scope.lastSeenMillis = now;
    }
    for (Scope owner : scope.owners) {
      if (owner.kind == OwnerScopes.Placeholder.CLIENT) {
        owner.lastSeenMillis = now;
      }
    }
    if (now >= nextSweepMillis) {
      maybeSweep();
    }
  }

  private void maybeSweep() {
    if (idleTimeoutMillis == 0) {
      return;
    }
    long now = clock.millis();
    if (now >= nextSweepMillis && sweeping.compareAndSet(false, true)) {
      try {
        nextSweepMillis = now + sweepIntervalMillis;
        sweep(now);
      } finally {
        sweeping.set(false);
      }
    }
  }

  private int sweep(long now) {
    int deleted = 0;
    for (Scope scope : scopes.values()) {
      if (scope.kind == OwnerScopes.Placeholder.CLIENT && now - scope.lastSeenMillis >= idleTimeoutMillis) {
        deleted += delete(scope, true);
      }
    }
    return deleted;
  }

  /** The time new scopes count as seen, if idle clients are ended at all. */
  private long idleNow() {
    return idleTimeoutMillis > 0 ? clock.millis() : 0;
  }

  @SuppressWarnings("unchecked")
  private static <T> StateRef<T> cast(Cell<?> cell) {
    return (StateRef<T>) cell;
  }
}
