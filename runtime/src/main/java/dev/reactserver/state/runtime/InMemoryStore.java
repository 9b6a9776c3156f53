package dev.reactserver.state.runtime;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
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
 * <p>Each client, user and component instance is anchored by its own scope ({@code "$client(c-42)"}):
 * composite scopes that substituted its id register with that anchor, which is how
 * {@link #endClient} and its siblings find them without scanning the store.
 *
 * <p>Clients not seen for {@link StoreOptions#idleClientTimeout()} are ended by the store itself: the
 * check runs on the threads that bind states, at most a few times per timeout, so no thread is started.
 * {@link #expireIdleClients()} runs it at once.
 */
public final class InMemoryStore implements Store {

  private static final int CHANGE_QUEUES = 64;
  private static final Scope[] NO_SCOPES = new Scope[0];

  private final Clock clock;
  private final long idleTimeoutMillis;
  private final long sweepIntervalMillis;
  private final Executor listenerExecutor;
  private final long maxStates;

  private final ConcurrentHashMap<String, Scope> scopes = new ConcurrentHashMap<>();
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
    Cell<?> cell = scope == null ? null : scope.find(id.key());
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
    return states == null ? 0 : delete(states);
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
        Registration registration = new Registration(listener, states::unsubscribe);
        states.listeners = Registration.append(states.listeners, registration);
        for (Cell<?> cell : states.values()) {
          cell.observe();
        }
        return registration;
      }
    }
  }

  @Override
  public int endClient(String clientId) {
    return end(ScopeTemplate.Placeholder.CLIENT, StateContext.requireId(clientId, "client id"));
  }

  @Override
  public int endUser(String userId) {
    return end(ScopeTemplate.Placeholder.USER, StateContext.requireId(userId, "user id"));
  }

  @Override
  public int endComponent(String componentKey) {
    return end(ScopeTemplate.Placeholder.COMPONENT, StateContext.requireId(componentKey, "component key"));
  }

  @Override
  public void touchClient(String clientId) {
    String name = ScopeTemplate.ownerScope(ScopeTemplate.Placeholder.CLIENT,
        StateContext.requireId(clientId, "client id"));
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

  private int end(ScopeTemplate.Placeholder kind, String id) {
    Scope owner = scopes.get(ScopeTemplate.ownerScope(kind, id));
    return owner == null ? 0 : delete(owner);
  }

  /**
   * Deletes every state of {@code scope}, tells listeners, and drops the scope; for an owner scope, also
   * every scope that substituted its id. Returns how many states.
   */
  private int delete(Scope scope) {
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
      scopeListeners = scope.listeners;
      scope.listeners = Registration.NONE;
      dependents = scope.dependents;
      scope.dependents = NO_SCOPES;
      close(scope);
    }
    for (Cell<?> cell : detached) {
      cell.deliver();
    }
    for (Registration listener : scopeListeners) {
      listener.retire();
    }
    int deleted = detached.size();
    for (Scope dependent : dependents) {
      deleted += delete(dependent);
    }
    return deleted;
  }

  /** Unlinks {@code scope} from the store and from its owner scopes; the caller holds its monitor. */
  private void close(Scope scope) {
    scope.closed = true;
    scopes.remove(scope.name, scope);
    for (Scope owner : scope.owners) {
      synchronized (owner) {
        owner.dependents = remove(owner.dependents, scope);
        if (!owner.closed && owner.isUnused()) {
          close(owner);
        }
      }
    }
  }

  private Cell<?> insert(StateId id, Object initial, StateDeclaration<?> declaration, boolean overwrite) {
    maybeSweep();
    return withLiveCell(id.scope(), id.key(), initial, declaration, (cell, created) -> {
      if (overwrite && !created) {
        cell.overwrite(initial);
      }
      return cell;
    });
  }

  /**
   * Applies {@code action} to the live cell of a state, created from {@code initial} if absent, while
   * holding its scope's lock: no deletion can come between finding (or creating) the cell and the
   * action, so an operation never creates a state twice. Listeners are told after the lock is released.
   */
  private <R> R withLiveCell(String scopeName, String key, Object initial, StateDeclaration<?> declaration,
      LiveCellAction<R> action) {
    while (true) {
      Scope scope = scope(scopeName);
      Cell<?> cell;
      R result;
      synchronized (scope) {
        if (scope.closed) {
          continue; // deleted concurrently: start over with a fresh scope
        }
        cell = scope.find(key);
        boolean created = cell == null;
        if (created) {
          reserveState(scopeName, key);
          cell = Cell.create(scope, key, initial, declaration, scope.listeners.length > 0);
          scope.add(cell);
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
    List<String> ownerNames = ScopeTemplate.ownerScopes(name);
    if (ownerNames.isEmpty() || ownerNames.get(0).length() == name.length()) {
      // a global scope, or an owner scope itself
      return scopes.computeIfAbsent(name, n -> new Scope(this, n, NO_SCOPES, ScopeTemplate.ownerKind(n)));
    }
    while (true) {
      Scope[] owners = new Scope[ownerNames.size()];
      for (int i = 0; i < owners.length; i++) {
        owners[i] = scope(ownerNames.get(i));
      }
      Scope scope = scopes.computeIfAbsent(name, n -> new Scope(this, n, owners, null));
      if (scope.owners != owners || register(scope)) {
        return scope; // created and registered by another thread, or registered here
      }
      delete(scope); // an owner ended meanwhile: so does this scope; start over with fresh owners
    }
  }

  /** Registers a new composite scope with its owners; false if one of them was closed meanwhile. */
  private static boolean register(Scope scope) {
    for (Scope owner : scope.owners) {
      synchronized (owner) {
        if (owner.closed) {
          return false;
        }
        owner.dependents = append(owner.dependents, scope);
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
    if (scope.kind == ScopeTemplate.Placeholder.CLIENT) {
      scope.lastSeenMillis = now;
    }
    for (Scope owner : scope.owners) {
      if (owner.kind == ScopeTemplate.Placeholder.CLIENT) {
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
      if (scope.kind == ScopeTemplate.Placeholder.CLIENT && now - scope.lastSeenMillis >= idleTimeoutMillis) {
        deleted += delete(scope);
      }
    }
    return deleted;
  }

  private static Scope[] append(Scope[] scopes, Scope added) {
    Scope[] grown = Arrays.copyOf(scopes, scopes.length + 1);
    grown[scopes.length] = added;
    return grown;
  }

  private static Scope[] remove(Scope[] scopes, Scope removed) {
    for (int i = 0; i < scopes.length; i++) {
      if (scopes[i] == removed) {
        Scope[] shrunk = new Scope[scopes.length - 1];
        System.arraycopy(scopes, 0, shrunk, 0, i);
        System.arraycopy(scopes, i + 1, shrunk, i, shrunk.length - i);
        return shrunk.length == 0 ? NO_SCOPES : shrunk;
      }
    }
    return scopes;
  }

  @SuppressWarnings("unchecked")
  private static <T> StateRef<T> cast(Cell<?> cell) {
    return (StateRef<T>) cell;
  }

  /**
   * The states of one scope (a {@link KeyedTable} of cells). Insertions, removals, listeners and
   * dependents hold the monitor; lookups don't.
   */
  private static final class Scope extends KeyedTable<Cell<?>> {
    final InMemoryStore store;
    final String name;
    /** For an owner scope ("$client(c-42)"), which kind; else null. */
    final ScopeTemplate.Placeholder kind;
    /** The owner scopes whose ids this composite scope substituted; empty for the others. */
    final Scope[] owners;
    final boolean hasClient;
    /** Listeners of the whole scope; written under the monitor. */
    volatile Registration[] listeners = Registration.NONE;
    /** For an owner scope: the composite scopes that substituted its id; guarded by the monitor. */
    Scope[] dependents = NO_SCOPES;
    /** For a client's owner scope: when the client was last seen. */
    volatile long lastSeenMillis;
    /** Set once the scope is unlinked from the store; guarded by the monitor. */
    boolean closed;

    Scope(InMemoryStore store, String name, Scope[] owners, ScopeTemplate.Placeholder kind) {
      this.store = store;
      this.name = name;
      this.kind = kind;
      this.owners = owners;
      boolean client = kind == ScopeTemplate.Placeholder.CLIENT;
      for (Scope owner : owners) {
        client |= owner.kind == ScopeTemplate.Placeholder.CLIENT;
      }
      this.hasClient = client;
      this.lastSeenMillis = client && store.idleTimeoutMillis > 0 ? store.clock.millis() : 0;
    }

    /** Whether nothing keeps the scope: no states, listeners or dependents. Call it under the monitor. */
    boolean isUnused() {
      return isEmpty() && listeners.length == 0 && dependents.length == 0;
    }

    void unsubscribe(Registration registration) {
      synchronized (this) {
        listeners = Registration.remove(listeners, registration);
        if (listeners.length == 0) {
          for (Cell<?> cell : values()) {
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

  /**
   * The value of a state someone listens to (the state's own listeners are kept here, so that states
   * nobody listens to pay nothing for them): writes to it take the cell's lock.
   */
  private static final class Observed extends Marker {
    final Object value;
    final Registration[] listeners;

    Observed(Object value, Registration[] listeners) {
      this.value = value;
      this.listeners = listeners;
    }
  }

  private static final class Detached extends Marker {}

  /**
   * One state: its scope, key, initial value and declaration. Subclasses keep the value: {@link ObjectCell}
   * any value, {@link IntCell} a declared {@code int} in a primitive word. After deletion a cell is
   * detached and forwards every operation to the state's live cell, recreated from {@link #initial} if
   * need be.
   */
  private abstract static class Cell<T> implements StateRef<T>, StateValues.Adder, KeyedTable.Keyed {
    /** What {@link #write} returns for a deleted cell. */
    static final Object DELETED = new Object();
    private static final VarHandle DECLARATION;

    static {
      try {
        DECLARATION = MethodHandles.lookup().findVarHandle(Cell.class, "declaration", StateDeclaration.class);
      } catch (ReflectiveOperationException e) {
        throw new ExceptionInInitializerError(e);
      }
    }

    final Scope scope;
    final String key;
    final T initial;
    /** The declaration the state was created or first bound with; null if none yet. */
    private volatile StateDeclaration<?> declaration;

    @SuppressWarnings("unchecked")
    Cell(Scope scope, String key, Object initial, StateDeclaration<?> declaration) {
      this.scope = scope;
      this.key = key;
      this.initial = (T) initial;
      this.declaration = declaration;
    }

    /** A cell for a new state: a primitive one for a declared {@code int}. */
    static Cell<?> create(Scope scope, String key, Object initial, StateDeclaration<?> declaration,
        boolean observed) {
      if (declaration != null && declaration.type().type() == int.class && initial instanceof Integer) {
        return new IntCell(scope, key, (Integer) initial, declaration, observed);
      }
      return new ObjectCell<>(scope, key, initial, declaration, observed);
    }

    @Override
    public StateId id() {
      return new StateId(scope.name, key);
    }

    @Override
    public String key() {
      return key;
    }

    /** Replaces the value (an overwriting createState); listeners are told by {@link #deliver()}. */
    abstract void overwrite(Object newValue);

    /**
     * Replaces the value with {@code fn} applied to it and returns the new value, or {@link #DELETED} if
     * the cell was deleted (and nothing was written). Without {@code deliver}, the caller calls
     * {@link #deliver()} once it holds no lock.
     */
    abstract Object write(UnaryOperator<T> fn, boolean deliver);

    /** Marks the state observed: its scope got a listener. */
    abstract void observe();

    /** Marks the state unobserved once neither it nor its scope has listeners. */
    abstract void unobserveIfUnwatched();

    /**
     * Marks the cell deleted and queues the deletion for its listeners, who are then forgotten; returns
     * false if it already was deleted. Call {@link #deliver()} after releasing the scope's lock.
     */
    abstract boolean detach();

    void deliver() {
      queue(id()).deliver();
    }

    ChangeQueue queue(StateId id) {
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
            throw new StateTypeException(id(), existing, declared);
          }
          return;
        }
        Object current = get();
        if (current != null && !declared.type().accepts(current)) {
          throw new StateTypeException(id(), current, declared);
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
    <R> R onLiveState(Function<Cell<T>, R> action) {
      return scope.store.withLiveCell(scope.name, key, initial, declaration,
          (cell, created) -> action.apply((Cell<T>) cell));
    }
  }

  /**
   * A state of any type. The value slot holds the plain value, an {@link Observed} box while anyone
   * listens (so that a lock-free write can never slip past a new subscription), or {@link #DETACHED}
   * after deletion.
   */
  private static final class ObjectCell<T> extends Cell<T> {
    private static final Detached DETACHED = new Detached();
    private static final VarHandle VALUE;

    static {
      try {
        VALUE = MethodHandles.lookup().findVarHandle(ObjectCell.class, "value", Object.class);
      } catch (ReflectiveOperationException e) {
        throw new ExceptionInInitializerError(e);
      }
    }

    // With the four fields of Cell, five references and no more (32 bytes): stores hold millions.
    @SuppressWarnings("unused") // accessed through VALUE
    private volatile Object value;

    ObjectCell(Scope scope, String key, Object initial, StateDeclaration<?> declaration, boolean observed) {
      super(scope, key, initial, declaration);
      this.value = observed ? new Observed(initial, Registration.NONE) : initial;
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
      if (write(old -> newValue, true) == DELETED) {
        onLiveState(cell -> cell.write(old -> newValue, false));
      }
    }

    @Override
    @SuppressWarnings("unchecked")
    public T update(UnaryOperator<T> fn) {
      Objects.requireNonNull(fn, "fn");
      Object next = write(fn, true);
      return next == DELETED ? onLiveState(cell -> (T) cell.write(fn, false)) : (T) next;
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

    @Override
    @SuppressWarnings("unchecked")
    void overwrite(Object newValue) {
      write(old -> (T) newValue, false);
    }

    // Lock-free unless observed.
    @Override
    @SuppressWarnings("unchecked")
    Object write(UnaryOperator<T> fn, boolean deliver) {
      while (true) {
        Object current = value;
        if (current == DETACHED) {
          return DELETED;
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
          if (VALUE.compareAndSet(this, current, new Observed(next, observed.listeners))) {
            StateId id = id();
            queue(id).offer(new StateChange<>(id, old, next, false),
                Registration.concat(observed.listeners, scope.listeners));
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
          while (true) {
            Object current = value;
            Object observed = current instanceof Observed box
                ? new Observed(box.value, Registration.append(box.listeners, registration))
                : new Observed(current, new Registration[] {registration});
            // Observed values change only under this lock; plain ones may change without it: retry.
            if (VALUE.compareAndSet(this, current, observed)) {
              return registration;
            }
          }
        }
      }
      return onLiveState(cell -> cell.subscribe(listener));
    }

    private synchronized void unsubscribe(Registration registration) {
      if (value instanceof Observed box) {
        Registration[] rest = Registration.remove(box.listeners, registration);
        VALUE.setVolatile(this, rest.length == 0 && scope.listeners.length == 0
            ? box.value : new Observed(box.value, rest));
      }
    }

    @Override
    synchronized void observe() {
      while (true) {
        Object current = value;
        if (current instanceof Marker
            || VALUE.compareAndSet(this, current, new Observed(current, Registration.NONE))) {
          return;
        }
      }
    }

    @Override
    synchronized void unobserveIfUnwatched() {
      if (value instanceof Observed box && box.listeners.length == 0 && scope.listeners.length == 0) {
        VALUE.setVolatile(this, box.value); // writes of boxes hold this lock: no race
      }
    }

    @Override
    synchronized boolean detach() {
      Object old = VALUE.getAndSet(this, DETACHED);
      if (old == DETACHED) {
        return false;
      }
      if (old instanceof Observed observed) {
        StateId id = id();
        queue(id).offer(new StateChange<>(id, observed.value, null, true),
            Registration.concat(observed.listeners, scope.listeners));
        for (Registration registration : observed.listeners) {
          registration.retire();
        }
      }
      return true;
    }

    @Override
    public String toString() {
      Object current = value;
      return id() + "=" + (current == DETACHED ? "<deleted>"
          : current instanceof Observed observed ? observed.value : current);
    }
  }

  /**
   * A state declared {@code int}: the value and the state's mode share one {@code long} word, so that an
   * add is a single compare-and-set that allocates nothing, and a mode change (a listener arriving,
   * deletion) makes every lock-free write that read the old word fail and look again, exactly as the
   * observed box does for {@link ObjectCell}. An {@code int} state cannot hold {@code null}.
   */
  private static final class IntCell extends Cell<Integer> {
    private static final long VALUE_BITS = 0xFFFF_FFFFL;
    private static final long OBSERVED = 1L << 32;
    private static final long DETACHED = 2L << 32;
    private static final VarHandle WORD;

    static {
      try {
        WORD = MethodHandles.lookup().findVarHandle(IntCell.class, "word", long.class);
      } catch (ReflectiveOperationException e) {
        throw new ExceptionInInitializerError(e);
      }
    }

    @SuppressWarnings("unused") // accessed through WORD
    private volatile long word;
    /** Listeners of this state; guarded by the monitor. */
    private Registration[] listeners = Registration.NONE;

    IntCell(Scope scope, String key, int initial, StateDeclaration<?> declaration, boolean observed) {
      super(scope, key, initial, declaration);
      this.word = (initial & VALUE_BITS) | (observed ? OBSERVED : 0);
    }

    private static int value(long word) {
      return (int) word;
    }

    private static long mode(long word) {
      return word & ~VALUE_BITS;
    }

    private static long with(long word, int value) {
      return mode(word) | (value & VALUE_BITS);
    }

    @Override
    public Integer get() {
      long current = word;
      return mode(current) == DETACHED ? onLiveState(cell -> cell.get()) : value(current);
    }

    @Override
    public void set(Integer newValue) {
      requireValue(newValue);
      if (write(old -> newValue, true) == DELETED) {
        onLiveState(cell -> cell.write(old -> newValue, false));
      }
    }

    @Override
    public Integer update(UnaryOperator<Integer> fn) {
      Objects.requireNonNull(fn, "fn");
      Object next = write(fn, true);
      return next == DELETED ? (Integer) onLiveState(cell -> cell.write(fn, false)) : (Integer) next;
    }

    @Override
    public int addInt(int delta) {
      while (true) {
        long current = word;
        if (mode(current) != 0) {
          return update(v -> v + delta); // observed or deleted: the general path
        }
        int next = value(current) + delta;
        if (WORD.compareAndSet(this, current, with(current, next))) {
          return next;
        }
      }
    }

    @Override
    public long addLong(long delta) {
      throw new ClassCastException("state " + id() + " holds an int, not a long");
    }

    @Override
    public double addDouble(double delta) {
      throw new ClassCastException("state " + id() + " holds an int, not a double");
    }

    @Override
    void overwrite(Object newValue) {
      Integer value = requireValue((Integer) newValue);
      write(old -> value, false);
    }

    @Override
    Object write(UnaryOperator<Integer> fn, boolean deliver) {
      while (true) {
        long current = word;
        long mode = mode(current);
        if (mode == DETACHED) {
          return DELETED;
        }
        if (mode == OBSERVED) {
          Object next = writeObserved(fn);
          if (next != DELETED) {
            if (deliver) {
              deliver();
            }
            return next;
          }
          continue; // no longer observed, or deleted: look again
        }
        int next = requireValue(fn.apply(value(current)));
        if (WORD.compareAndSet(this, current, with(current, next))) {
          return next;
        }
      }
    }

    /** Writes an observed value under the lock and queues the change; DELETED if no longer observed. */
    private synchronized Object writeObserved(UnaryOperator<Integer> fn) {
      while (true) {
        long current = word;
        if (mode(current) != OBSERVED) {
          return DELETED;
        }
        int old = value(current);
        int next = requireValue(fn.apply(old));
        if (WORD.compareAndSet(this, current, with(current, next))) {
          StateId id = id();
          queue(id).offer(new StateChange<>(id, old, next, false), Registration.concat(listeners, scope.listeners));
          return next;
        }
      }
    }

    @Override
    public Subscription subscribe(StateListener<? super Integer> listener) {
      Objects.requireNonNull(listener, "listener");
      synchronized (this) {
        if (mode(word) != DETACHED) {
          Registration registration = new Registration(listener, this::unsubscribe);
          listeners = Registration.append(listeners, registration);
          setMode(OBSERVED);
          return registration;
        }
      }
      return onLiveState(cell -> cell.subscribe(listener));
    }

    private synchronized void unsubscribe(Registration registration) {
      listeners = Registration.remove(listeners, registration);
      unobserveIfUnwatched();
    }

    @Override
    synchronized void observe() {
      setMode(OBSERVED);
    }

    @Override
    synchronized void unobserveIfUnwatched() {
      if (listeners.length == 0 && scope.listeners.length == 0) {
        setMode(0);
      }
    }

    /** Changes the mode (not of a deleted cell); the caller holds the monitor. */
    private void setMode(long mode) {
      while (true) {
        long current = word;
        if (mode(current) == DETACHED || mode(current) == mode
            || WORD.compareAndSet(this, current, mode | (current & VALUE_BITS))) {
          return;
        }
      }
    }

    @Override
    synchronized boolean detach() {
      long old;
      do {
        old = word;
        if (mode(old) == DETACHED) {
          return false;
        }
      } while (!WORD.compareAndSet(this, old, DETACHED | (old & VALUE_BITS)));
      if (mode(old) == OBSERVED) {
        StateId id = id();
        queue(id).offer(new StateChange<>(id, value(old), null, true),
            Registration.concat(listeners, scope.listeners));
        for (Registration registration : listeners) {
          registration.retire();
        }
        listeners = Registration.NONE;
      }
      return true;
    }

    private Integer requireValue(Integer value) {
      if (value == null) {
        throw new StateException("state " + id() + " is declared int and cannot hold null");
      }
      return value;
    }

    @Override
    public String toString() {
      long current = word;
      return id() + "=" + (mode(current) == DETACHED ? "<deleted>" : String.valueOf(value(current)));
    }
  }
}
