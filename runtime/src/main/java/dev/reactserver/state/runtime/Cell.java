package dev.reactserver.state.runtime;

import dev.reactserver.state.runtime.spi.StateAdder;
import dev.reactserver.state.runtime.spi.StateDeclaration;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * One state: its scope, key, initial value and declaration. Subclasses keep the value: {@link ObjectCell}
 * any value, {@link IntCell} and {@link LongCell} a declared {@code int} or {@code long} in a primitive
 * word. After deletion a cell is detached and forwards every operation to the state's live cell,
 * recreated from {@link #initial} if need be.
 *
 * <p>No user code (an update function, a listener) runs while a cell holds its monitor: writes apply
 * the function first and take the monitor only to publish the result, if nothing changed meanwhile.
 */
abstract class Cell<T> implements StateRef<T>, StateAdder, KeyedTable.Keyed {
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

  /**
   * A cell for a new state holding {@code value} (its {@code initial} value, unless a write recreates
   * it): a primitive one for a declared {@code int} or {@code long}.
   */
  static Cell<?> create(Scope scope, String key, Object initial, Object value, StateDeclaration<?> declaration,
      boolean observed) {
    Object declared = declaration == null ? null : declaration.type().type();
    if (declared == int.class && initial instanceof Integer start && value instanceof Integer now) {
      return new IntCell(scope, key, start, now, declaration, observed);
    }
    if (declared == long.class && initial instanceof Long start && value instanceof Long now) {
      return new LongCell(scope, key, start, now, declaration, observed);
    }
    return new ObjectCell<>(scope, key, initial, value, declaration, observed);
  }

  @Override
  public StateId id() {
    return new StateId(scope.name, key);
  }

  @Override
  public String key() {
    return key;
  }

  /** The value, or {@link #DELETED} if the cell was deleted: unlike {@link #get()}, never the live state's. */
  abstract Object peek();

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

  /**
   * Checks that {@code declared} agrees with the declaration the state has; adopts it if none. Returns
   * false, adopting nothing, if the value had to be checked and the cell was deleted meanwhile: the
   * caller then looks up the live state (reading this cell's value would bring the deleted state back).
   */
  boolean checkDeclaration(StateDeclaration<?> declared) {
    if (declared == null) {
      return true;
    }
    while (true) {
      StateDeclaration<?> existing = declaration;
      if (existing == declared) {
        return true;
      }
      if (existing != null) {
        if (!existing.type().equals(declared.type())) {
          throw new StateTypeException(id(), existing, declared);
        }
        return true;
      }
      Object current = peek();
      if (current == DELETED) {
        return false;
      }
      if (current != null && !declared.type().accepts(current)) {
        throw new StateTypeException(id(), current, declared);
      }
      if (DECLARATION.compareAndSet(this, null, declared)) {
        return true;
      }
    }
  }

  @Override
  public void set(T newValue) {
    Cell<T> cell = this;
    while (cell.write(old -> newValue, true) == DELETED) {
      cell = recreateWith(newValue);
      if (cell == null) {
        break;
      }
    }
    written();
  }

  @Override
  @SuppressWarnings("unchecked")
  public T update(UnaryOperator<T> fn) {
    Objects.requireNonNull(fn, "fn");
    Cell<T> cell = this;
    while (true) {
      Object next = cell.write(fn, true);
      if (next != DELETED) {
        written();
        return (T) next;
      }
      // The state is gone: if it still is, it comes back holding fn applied to this handle's initial
      // value (not that of a cell another handle created meanwhile, which may differ).
      T recreated = fn.apply(initial);
      cell = recreateWith(recreated); // which refuses what the cell cannot hold
      if (cell == null) {
        written();
        return recreated;
      }
    }
  }

  /** Tells the store's metrics of a write. */
  final void written() {
    scope.store.metrics.stateWritten(scope.scopeKind());
  }

  /** Returns {@code value} if the cell can hold it (primitive cells refuse {@code null}). */
  T checkValue(T value) {
    return value;
  }

  /**
   * Writes {@code value} to this deleted cell's state: creates the state holding it if it is absent,
   * as one step, and returns null; else returns the live cell, to be written the usual way.
   */
  @SuppressWarnings("unchecked")
  Cell<T> recreateWith(T value) {
    return (Cell<T>) scope.store.recreate(scope.name, key, initial, checkValue(value), declaration);
  }

  /** The value of the state's live cell (this one was deleted), recreated if need be. */
  @SuppressWarnings("unchecked")
  T liveValue() {
    return (T) scope.store.onLiveCell(scope.name, key, initial, declaration, Cell::peek);
  }

  /** Subscribes {@code listener} to the state's live cell (this one was deleted), recreated if need be. */
  Subscription subscribeLive(StateListener<? super T> listener) {
    return scope.store.onLiveCell(scope.name, key, initial, declaration,
        cell -> Cell.<T>cast(cell).subscribe(listener));
  }

  @SuppressWarnings("unchecked")
  private static <T> Cell<T> cast(Cell<?> cell) {
    return (Cell<T>) cell;
  }
}
