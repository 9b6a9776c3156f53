package dev.reactserver.state.runtime;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * The embedded default store: states live in this JVM's heap.
 *
 * <p>Thread-safe. Reads and writes of a bound state take no lock (one volatile read, or one
 * compare-and-set); {@link StateRef#update} and the generated {@code increment…} methods are atomic and
 * lose no concurrent write. Creating and deleting states lock only the scope concerned. A scope whose
 * last state is deleted is dropped, so clients that left cost no memory.
 */
public final class InMemoryStore implements Store {

  private final ConcurrentHashMap<String, ScopeStates> scopes = new ConcurrentHashMap<>();

  /** Creates an empty store. */
  public InMemoryStore() {}

  @Override
  public <T> StateRef<T> getState(T initial, StateId id) {
    Objects.requireNonNull(id, "id");
    ScopeStates scope = scopes.get(id.scope());
    if (scope != null) {
      Cell<?> cell = scope.cells.get(id.key());
      if (cell != null) {
        return cast(cell);
      }
    }
    return cast(insert(id, initial, false));
  }

  @Override
  public <T> StateRef<T> createState(T initial, StateId id) {
    Objects.requireNonNull(id, "id");
    return cast(insert(id, initial, true));
  }

  @Override
  public boolean hasState(StateId id) {
    ScopeStates scope = scopes.get(id.scope());
    return scope != null && scope.cells.containsKey(id.key());
  }

  @Override
  public boolean deleteState(StateId id) {
    ScopeStates scope = scopes.get(id.scope());
    if (scope == null) {
      return false;
    }
    synchronized (scope) {
      Cell<?> cell = scope.closed ? null : scope.cells.remove(id.key());
      if (cell == null) {
        return false;
      }
      cell.detach();
      if (scope.cells.isEmpty()) {
        scope.closed = true;
        scopes.remove(id.scope(), scope);
      }
      return true;
    }
  }

  @Override
  public Map<String, StateRef<?>> statesIn(String scope) {
    Objects.requireNonNull(scope, "scope");
    ScopeStates states = scopes.get(scope);
    if (states == null) {
      return Map.of();
    }
    return Collections.unmodifiableMap(new TreeMap<>(states.cells));
  }

  @Override
  public Map<StateId, StateRef<?>> states() {
    Map<StateId, StateRef<?>> all = new TreeMap<>(
        (a, b) -> a.scope().equals(b.scope()) ? a.key().compareTo(b.key()) : a.scope().compareTo(b.scope()));
    for (ScopeStates scope : scopes.values()) {
      for (Cell<?> cell : scope.cells.values()) {
        all.put(cell.id, cell);
      }
    }
    return Collections.unmodifiableMap(all);
  }

  @Override
  public int deleteScope(String scope) {
    Objects.requireNonNull(scope, "scope");
    // Unlink the scope before detaching its cells: a handle that finds its cell detached looks the
    // state up again and must not find the old scope.
    ScopeStates states = scopes.remove(scope);
    if (states == null) {
      return 0;
    }
    synchronized (states) {
      states.closed = true;
      int deleted = 0;
      for (Cell<?> cell : states.cells.values()) {
        if (cell.detach()) {
          deleted++;
        }
      }
      states.cells.clear();
      return deleted;
    }
  }

  private Cell<?> insert(StateId id, Object initial, boolean overwrite) {
    while (true) {
      ScopeStates scope = scopes.computeIfAbsent(id.scope(), name -> new ScopeStates());
      synchronized (scope) {
        if (scope.closed) {
          continue; // deleted concurrently: start over with a fresh scope
        }
        Cell<?> cell = scope.cells.get(id.key());
        if (cell == null) {
          cell = new Cell<>(this, id, initial);
          scope.cells.put(id.key(), cell);
        } else if (overwrite) {
          cell.setUnchecked(initial);
        }
        return cell;
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static <T> StateRef<T> cast(Cell<?> cell) {
    return (StateRef<T>) cell;
  }

  /** The states of one scope. Insertions and removals hold the monitor; lookups don't. */
  private static final class ScopeStates {
    final ConcurrentHashMap<String, Cell<?>> cells = new ConcurrentHashMap<>();
    /** Set once the scope is unlinked from the store; guarded by the monitor. */
    boolean closed;
  }

  /**
   * One state's value. After deletion the cell holds {@link #DETACHED}, and every operation on it is
   * forwarded to the state's current cell, recreated from {@link #initial} if need be.
   */
  private static final class Cell<T> implements StateRef<T> {
    private static final Object DETACHED = new Object();
    private static final VarHandle VALUE;

    static {
      try {
        VALUE = MethodHandles.lookup().findVarHandle(Cell.class, "value", Object.class);
      } catch (ReflectiveOperationException e) {
        throw new ExceptionInInitializerError(e);
      }
    }

    private final InMemoryStore store;
    private final StateId id;
    private final T initial;
    @SuppressWarnings("unused") // accessed through VALUE
    private volatile Object value;

    @SuppressWarnings("unchecked")
    Cell(InMemoryStore store, StateId id, Object initial) {
      this.store = store;
      this.id = id;
      this.initial = (T) initial;
      this.value = initial;
    }

    @Override
    public StateId id() {
      return id;
    }

    @Override
    @SuppressWarnings("unchecked")
    public T get() {
      Object current = value;
      return current == DETACHED ? current().get() : (T) current;
    }

    @Override
    public void set(T newValue) {
      while (true) {
        Object current = value;
        if (current == DETACHED) {
          current().set(newValue);
          return;
        }
        if (VALUE.compareAndSet(this, current, newValue)) {
          return;
        }
      }
    }

    @Override
    @SuppressWarnings("unchecked")
    public T update(UnaryOperator<T> fn) {
      Objects.requireNonNull(fn, "fn");
      while (true) {
        Object current = value;
        if (current == DETACHED) {
          return current().update(fn);
        }
        T next = fn.apply((T) current);
        if (VALUE.compareAndSet(this, current, next)) {
          return next;
        }
      }
    }

    @SuppressWarnings("unchecked")
    void setUnchecked(Object newValue) {
      set((T) newValue);
    }

    /** Marks the cell deleted; returns false if it already was. */
    boolean detach() {
      return VALUE.getAndSet(this, DETACHED) != DETACHED;
    }

    private StateRef<T> current() {
      return store.getState(initial, id);
    }

    @Override
    public String toString() {
      Object current = value;
      return id + "=" + (current == DETACHED ? "<deleted>" : current);
    }
  }
}
