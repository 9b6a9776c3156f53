package dev.reactserver.state.runtime;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Clock;
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
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * The embedded default store: states live in this JVM's heap.
 *
 * <p>Thread-safe. Reads and writes of a bound state take no lock (one volatile read, or one
 * compare-and-set); {@link StateRef#update} and the generated {@code increment…} methods are atomic and
 * lose no concurrent write. While a state has listeners (of its own or of its scope), its writes take
 * the state's lock so that listeners see them in order. Creating and deleting states lock only the scope
 * concerned. A scope whose last state is deleted is dropped, so clients that left cost no memory.
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
  /** The scopes of each client, user and component instance, for ending them. */
  private final ConcurrentHashMap<ScopeOwner, OwnedScopes> owners = new ConcurrentHashMap<>();
  private final AtomicLong stateCount = new AtomicLong();
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
    this.changeQueues = new ChangeQueue[CHANGE_QUEUES];
    for (int i = 0; i < CHANGE_QUEUES; i++) {
      changeQueues[i] = new ChangeQueue(listenerExecutor);
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
    Cell<?> cell = scope == null ? null : scope.cells.get(id.key());
    if (cell == null) {
      cell = insert(id, initial, declaration, false);
    } else {
      cell.checkDeclaration(declaration);
      seen(cell.scope);
    }
    return cast(cell);
  }

  @Override
  public <T> StateRef<T> createState(T initial, StateId id) {
    Objects.requireNonNull(id, "id");
    return cast(insert(id, initial, null, true));
  }

  @Override
  public boolean hasState(StateId id) {
    Scope scope = scopes.get(id.scope());
    return scope != null && scope.cells.containsKey(id.key());
  }

  @Override
  public boolean deleteState(StateId id) {
    Scope scope = scopes.get(id.scope());
    if (scope == null) {
      return false;
    }
    Cell<?> cell;
    synchronized (scope) {
      cell = scope.closed ? null : scope.cells.get(id.key());
      if (cell == null) {
        return false;
      }
      // Detach before unlinking: until then lock-free readers still find the state, and a write that
      // finds it detached waits for this lock, so no write can land on a state already reported gone.
      cell.detach();
      scope.cells.remove(id.key());
      stateCount.decrementAndGet();
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
    return Collections.unmodifiableMap(new TreeMap<>(states.cells));
  }

  @Override
  public Map<StateId, StateRef<?>> states() {
    Map<StateId, StateRef<?>> all = new TreeMap<>(
        (a, b) -> a.scope().equals(b.scope()) ? a.key().compareTo(b.key()) : a.scope().compareTo(b.scope()));
    for (Scope scope : scopes.values()) {
      for (Cell<?> cell : scope.cells.values()) {
        all.put(cell.id, cell);
      }
    }
    return Collections.unmodifiableMap(all);
  }

  @Override
  public int deleteScope(String scope) {
    Objects.requireNonNull(scope, "scope");
    Scope states = scopes.get(scope);
    return states == null ? 0 : delete(states);
  }

  @Override
  public Subscription subscribe(String scope, StateListener<Object> listener) {
    Objects.requireNonNull(scope, "scope");
    Objects.requireNonNull(listener, "listener");
    while (true) {
      Scope states = scopes.computeIfAbsent(scope, this::newScope);
      synchronized (states) {
        if (states.closed) {
          continue; // deleted concurrently: subscribe to its successor
        }
        Registration registration = new Registration(listener, states::unsubscribe);
        states.listeners = Registration.append(states.listeners, registration);
        for (Cell<?> cell : states.cells.values()) {
          cell.observe();
        }
        return registration;
      }
    }
  }

  @Override
  public int endClient(String clientId) {
    return end(ScopeOwner.client(StateContext.requireId(clientId, "client id")));
  }

  @Override
  public int endUser(String userId) {
    return end(ScopeOwner.user(StateContext.requireId(userId, "user id")));
  }

  @Override
  public int endComponent(String componentKey) {
    return end(ScopeOwner.component(StateContext.requireId(componentKey, "component key")));
  }

  @Override
  public void touchClient(String clientId) {
    OwnedScopes client = owners.get(ScopeOwner.client(StateContext.requireId(clientId, "client id")));
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

  private int end(ScopeOwner owner) {
    OwnedScopes owned = owners.get(owner);
    return owned == null ? 0 : end(owned);
  }

  private int end(OwnedScopes owned) {
    List<Scope> ended;
    synchronized (owned) {
      if (owned.closed) {
        return 0;
      }
      owned.closed = true;
      owners.remove(owned.owner, owned);
      ended = new ArrayList<>(owned.scopes);
    }
    int deleted = 0;
    for (Scope scope : ended) {
      deleted += delete(scope);
    }
    return deleted;
  }

  /** Deletes every state of {@code scope}, tells listeners, and drops the scope; returns how many. */
  private int delete(Scope scope) {
    List<Cell<?>> detached = new ArrayList<>();
    Registration[] scopeListeners;
    synchronized (scope) {
      if (scope.closed) {
        return 0;
      }
      // Detach every cell before unlinking the scope (see deleteState); a handle that finds its cell
      // detached waits for this lock, then finds the scope closed and looks the state up afresh.
      for (Cell<?> cell : scope.cells.values()) {
        if (cell.detach()) {
          detached.add(cell);
        }
      }
      scope.cells.clear();
      close(scope);
      stateCount.addAndGet(-detached.size());
      scopeListeners = scope.listeners;
      scope.listeners = Registration.NONE;
    }
    for (Cell<?> cell : detached) {
      cell.deliver();
    }
    for (Registration listener : scopeListeners) {
      listener.retire();
    }
    return detached.size();
  }

  /** Unlinks {@code scope} from the store and from its owners; the caller holds its monitor. */
  private void close(Scope scope) {
    scope.closed = true;
    scopes.remove(scope.name, scope);
    for (OwnedScopes owned : scope.owners) {
      synchronized (owned) {
        owned.scopes.remove(scope);
        if (owned.scopes.isEmpty() && !owned.closed) {
          owned.closed = true;
          owners.remove(owned.owner, owned);
        }
      }
    }
  }

  private Cell<?> insert(StateId id, Object initial, StateDeclaration<?> declaration, boolean overwrite) {
    maybeSweep();
    return withLiveCell(id, initial, declaration, (cell, created) -> {
      if (overwrite && !created) {
        cell.overwrite(initial);
      }
      return cell;
    });
  }

  /**
   * Applies {@code action} to the live cell of {@code id}, created from {@code initial} if absent, while
   * holding its scope's lock: no deletion can come between finding (or creating) the cell and the
   * action, so an operation never creates a state twice. Listeners are told after the lock is released.
   */
  private <R> R withLiveCell(StateId id, Object initial, StateDeclaration<?> declaration,
      LiveCellAction<R> action) {
    while (true) {
      Scope scope = scopes.computeIfAbsent(id.scope(), this::newScope);
      Cell<?> cell;
      R result;
      synchronized (scope) {
        if (scope.closed) {
          continue; // deleted concurrently: start over with a fresh scope
        }
        cell = scope.cells.get(id.key());
        boolean created = cell == null;
        if (created) {
          reserveState(id);
          cell = new Cell<>(scope, StateId.of(scope.name, id.key()), initial, declaration,
              scope.listeners.length > 0);
          scope.cells.put(id.key(), cell);
        } else {
          cell.checkDeclaration(declaration);
        }
        result = action.apply(cell, created);
      }
      cell.deliver();
      seen(scope); // outside the scope's lock: it may end idle clients
      return result;
    }
  }

  /** What {@link #withLiveCell} does with the cell; {@code created} if the cell was just created. */
  @FunctionalInterface
  private interface LiveCellAction<R> {
    R apply(Cell<?> cell, boolean created);
  }

  private ChangeQueue changeQueue(StateId id) {
    int hash = id.hashCode();
    return changeQueues[(hash ^ (hash >>> 16)) & (CHANGE_QUEUES - 1)];
  }

  private void reserveState(StateId id) {
    long count;
    do {
      count = stateCount.get();
      if (count >= maxStates) {
        throw new StateLimitException(id, maxStates);
      }
    } while (!stateCount.compareAndSet(count, count + 1));
  }

  /** Creates a scope and registers it with its owners; runs inside the scope map's computeIfAbsent. */
  private Scope newScope(String name) {
    List<ScopeOwner> parsed = ScopeTemplate.owners(name);
    OwnedScopes[] registered = new OwnedScopes[parsed.size()];
    Scope scope = new Scope(this, name, registered, parsed.stream().anyMatch(ScopeOwner::isClient));
    for (int i = 0; i < registered.length; i++) {
      registered[i] = register(parsed.get(i), scope);
    }
    return scope;
  }

  private OwnedScopes register(ScopeOwner owner, Scope scope) {
    while (true) {
      OwnedScopes owned = owners.computeIfAbsent(owner, o -> new OwnedScopes(o, clock.millis()));
      synchronized (owned) {
        if (!owned.closed) {
          owned.scopes.add(scope);
          return owned;
        }
      }
    }
  }

  /** Marks the clients of {@code scope} seen now. */
  private void seen(Scope scope) {
    if (idleTimeoutMillis == 0 || !scope.hasClient) {
      return;
    }
    long now = clock.millis();
    for (OwnedScopes owned : scope.owners) {
      if (owned.owner.isClient()) {
        owned.lastSeenMillis = now;
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
    for (OwnedScopes owned : owners.values()) {
      if (owned.owner.isClient() && now - owned.lastSeenMillis >= idleTimeoutMillis) {
        deleted += end(owned);
      }
    }
    return deleted;
  }

  @SuppressWarnings("unchecked")
  private static <T> StateRef<T> cast(Cell<?> cell) {
    return (StateRef<T>) cell;
  }

  /** The scopes one client, user or component instance owns. Guarded by its monitor. */
  private static final class OwnedScopes {
    final ScopeOwner owner;
    final List<Scope> scopes = new ArrayList<>(2);
    boolean closed;
    volatile long lastSeenMillis;

    OwnedScopes(ScopeOwner owner, long now) {
      this.owner = owner;
      this.lastSeenMillis = now;
    }
  }

  /** The states of one scope. Insertions, removals and scope listeners hold the monitor; lookups don't. */
  private static final class Scope {
    final InMemoryStore store;
    final String name;
    final OwnedScopes[] owners;
    final boolean hasClient;
    final ConcurrentHashMap<String, Cell<?>> cells = new ConcurrentHashMap<>(4);
    /** Listeners of the whole scope; written under the monitor. */
    volatile Registration[] listeners = Registration.NONE;
    /** Set once the scope is unlinked from the store; guarded by the monitor. */
    boolean closed;

    Scope(InMemoryStore store, String name, OwnedScopes[] owners, boolean hasClient) {
      this.store = store;
      this.name = name;
      this.owners = owners;
      this.hasClient = hasClient;
    }

    boolean isUnused() {
      return cells.isEmpty() && listeners.length == 0;
    }

    void unsubscribe(Registration registration) {
      synchronized (this) {
        listeners = Registration.remove(listeners, registration);
        if (listeners.length == 0) {
          for (Cell<?> cell : cells.values()) {
            cell.unobserveIfUnwatched();
          }
          if (!closed && isUnused()) {
            store.close(this);
          }
        }
      }
    }
  }

  /** What a cell's value slot holds besides plain values. */
  private abstract static class Marker {}

  /** The value of a state someone listens to: writes to it take the cell's lock. */
  private static final class Observed extends Marker {
    final Object value;

    Observed(Object value) {
      this.value = value;
    }
  }

  private static final class Detached extends Marker {}

  /**
   * One state. The value slot holds the plain value, an {@link Observed} box while anyone listens (so
   * that a lock-free write can never slip past a new subscription), or {@link #DETACHED} after
   * deletion: then every operation is forwarded to the state's current cell, recreated from
   * {@link #initial} if need be.
   */
  private static final class Cell<T> implements StateRef<T>, StateValues.Adder {
    private static final Detached DETACHED = new Detached();
    private static final VarHandle VALUE;
    private static final VarHandle DECLARATION;

    static {
      try {
        MethodHandles.Lookup lookup = MethodHandles.lookup();
        VALUE = lookup.findVarHandle(Cell.class, "value", Object.class);
        DECLARATION = lookup.findVarHandle(Cell.class, "declaration", StateDeclaration.class);
      } catch (ReflectiveOperationException e) {
        throw new ExceptionInInitializerError(e);
      }
    }

    private final Scope scope;
    private final StateId id;
    private final T initial;
    @SuppressWarnings("unused") // accessed through VALUE
    private volatile Object value;
    /** The declaration the state was created or first bound with; null if none yet. */
    private volatile StateDeclaration<?> declaration;
    /** Listeners of this state; written under the monitor. */
    private Registration[] listeners = Registration.NONE;

    @SuppressWarnings("unchecked")
    Cell(Scope scope, StateId id, Object initial, StateDeclaration<?> declaration, boolean observed) {
      this.scope = scope;
      this.id = id;
      this.initial = (T) initial;
      this.declaration = declaration;
      if (observed) {
        this.value = new Observed(initial);
      } else {
        this.value = initial;
      }
    }

    @Override
    public StateId id() {
      return id;
    }

    @Override
    @SuppressWarnings("unchecked")
    public T get() {
      Object current = value;
      if (current instanceof Marker) {
        return current == DETACHED ? onLiveState(cell -> cell.get()) : (T) ((Observed) current).value;
      }
      return (T) current;
    }

    @Override
    public void set(T newValue) {
      if (write(old -> newValue, true) == DETACHED) {
        onLiveState(cell -> cell.write(old -> newValue, false));
      }
    }

    @Override
    @SuppressWarnings("unchecked")
    public T update(UnaryOperator<T> fn) {
      Objects.requireNonNull(fn, "fn");
      Object next = write(fn, true);
      return next == DETACHED ? onLiveState(cell -> (T) cell.write(fn, false)) : (T) next;
    }

    // The adders: one compare-and-set of a new box on the fast path; anything unusual (listeners,
    // deletion, null) takes update(), which names the state if it holds null.
    @Override
    @SuppressWarnings("unchecked")
    public int addInt(int delta) {
      while (true) {
        Object current = value;
        if (!(current instanceof Integer number)) {
          break;
        }
        int next = number + delta;
        if (VALUE.compareAndSet(this, current, (Integer) next)) {
          return next;
        }
      }
      return (Integer) update(v -> (T) (Integer) (StateValues.requireValue((Integer) v, this) + delta));
    }

    @Override
    @SuppressWarnings("unchecked")
    public long addLong(long delta) {
      while (true) {
        Object current = value;
        if (!(current instanceof Long number)) {
          break;
        }
        long next = number + delta;
        if (VALUE.compareAndSet(this, current, (Long) next)) {
          return next;
        }
      }
      return (Long) update(v -> (T) (Long) (StateValues.requireValue((Long) v, this) + delta));
    }

    @Override
    @SuppressWarnings("unchecked")
    public double addDouble(double delta) {
      while (true) {
        Object current = value;
        if (!(current instanceof Double number)) {
          break;
        }
        double next = number + delta;
        if (VALUE.compareAndSet(this, current, (Double) next)) {
          return next;
        }
      }
      return (Double) update(v -> (T) (Double) (StateValues.requireValue((Double) v, this) + delta));
    }

    @SuppressWarnings("unchecked")
    void overwrite(Object newValue) {
      write(old -> (T) newValue, false);
    }

    /**
     * Replaces the value with {@code fn} applied to it: lock-free unless observed. Returns the new
     * value, or {@link #DETACHED} if the cell was deleted (and nothing was written). Without
     * {@code deliver}, the caller calls {@link #deliver()} once it holds no lock.
     */
    @SuppressWarnings("unchecked")
    private Object write(UnaryOperator<T> fn, boolean deliver) {
      while (true) {
        Object current = value;
        if (current == DETACHED) {
          return DETACHED;
        }
        if (current instanceof Observed) {
          Object next = writeObserved(fn);
          if (next != RETRY) {
            if (deliver) {
              deliver();
            }
            return next;
          }
        } else {
          T next = fn.apply((T) current);
          if (VALUE.compareAndSet(this, current, next)) {
            return next;
          }
        }
      }
    }

    private static final Object RETRY = new Object();

    /** Writes an observed value under the lock and queues the change; RETRY if no longer observed. */
    @SuppressWarnings("unchecked")
    private Object writeObserved(UnaryOperator<T> fn) {
      synchronized (this) {
        while (true) {
          Object current = value;
          if (!(current instanceof Observed observed)) {
            return RETRY;
          }
          T old = (T) observed.value;
          T next = fn.apply(old);
          if (VALUE.compareAndSet(this, current, new Observed(next))) {
            changes().offer(new StateChange<>(id, old, next, false),
                Registration.concat(listeners, scope.listeners));
            return next;
          }
        }
      }
    }

    @Override
    public Subscription subscribe(StateListener<? super T> listener) {
      Objects.requireNonNull(listener, "listener");
      synchronized (this) {
        if (value != DETACHED) {
          Registration registration = new Registration(listener, this::unsubscribe);
          listeners = Registration.append(listeners, registration);
          observe();
          return registration;
        }
      }
      return onLiveState(cell -> cell.subscribe(listener));
    }

    private void unsubscribe(Registration registration) {
      synchronized (this) {
        listeners = Registration.remove(listeners, registration);
        unobserveIfUnwatched();
      }
    }

    /** Boxes the value so that writes take the lock and tell listeners. */
    synchronized void observe() {
      while (true) {
        Object current = value;
        if (current instanceof Marker || VALUE.compareAndSet(this, current, new Observed(current))) {
          return;
        }
      }
    }

    /** Unboxes the value once neither the state nor its scope has listeners. */
    synchronized void unobserveIfUnwatched() {
      if (listeners.length > 0 || scope.listeners.length > 0) {
        return;
      }
      Object current = value;
      if (current instanceof Observed observed) {
        VALUE.compareAndSet(this, current, observed.value); // writes of boxes hold this lock: no race
      }
    }

    /**
     * Marks the cell deleted and queues the deletion for its listeners, who are then forgotten; returns
     * false if it already was deleted. Call {@link #deliver()} after releasing the scope's lock.
     */
    synchronized boolean detach() {
      Object old = VALUE.getAndSet(this, DETACHED);
      if (old == DETACHED) {
        return false;
      }
      if (old instanceof Observed observed) {
        changes().offer(new StateChange<>(id, observed.value, null, true),
            Registration.concat(listeners, scope.listeners));
        for (Registration registration : listeners) {
          registration.retire();
        }
        listeners = Registration.NONE;
      }
      return true;
    }

    void deliver() {
      changes().deliver();
    }

    private ChangeQueue changes() {
      return scope.store.changeQueue(id);
    }

    /** Checks that {@code declared} agrees with the declaration the state has; adopts it if none. */
    void checkDeclaration(StateDeclaration<?> declared) {
      if (declared == null) {
        return;
      }
      while (true) {
        StateDeclaration<?> existing = declaration;
        if (existing == declared) {
          return;
        }
        if (existing != null) {
          if (!existing.type().equals(declared.type())) {
            throw new StateTypeException(id, existing, declared);
          }
          return;
        }
        Object current = get();
        if (current != null && !declared.type().accepts(current)) {
          throw new StateTypeException(id, current, declared);
        }
        if (DECLARATION.compareAndSet(this, null, declared)) {
          return;
        }
      }
    }

    /**
     * Applies {@code action} to the state's live cell (this one was deleted), recreated from the initial
     * value if need be, with no deletion in between.
     */
    @SuppressWarnings("unchecked")
    private <R> R onLiveState(Function<Cell<T>, R> action) {
      return scope.store.withLiveCell(id, initial, declaration, (cell, created) -> action.apply((Cell<T>) cell));
    }

    @Override
    public String toString() {
      Object current = value;
      return id + "=" + (current == DETACHED ? "<deleted>"
          : current instanceof Observed observed ? observed.value : current);
    }
  }
}
