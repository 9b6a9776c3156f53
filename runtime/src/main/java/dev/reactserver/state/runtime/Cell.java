package dev.reactserver.state.runtime;

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
abstract class Cell<T> implements StateRef<T>, StateValues.Adder, KeyedTable.Keyed {
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

  /** A cell for a new state: a primitive one for a declared {@code int} or {@code long}. */
  static Cell<?> create(Scope scope, String key, Object initial, StateDeclaration<?> declaration,
      boolean observed) {
    Object declared = declaration == null ? null : declaration.type().type();
    if (declared == int.class && initial instanceof Integer value) {
      return new IntCell(scope, key, value, declaration, observed);
    }
    if (declared == long.class && initial instanceof Long value) {
      return new LongCell(scope, key, value, declaration, observed);
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
      cell = cell.liveCell();
    }
  }

  @Override
  @SuppressWarnings("unchecked")
  public T update(UnaryOperator<T> fn) {
    Objects.requireNonNull(fn, "fn");
    Cell<T> cell = this;
    Object next;
    while ((next = cell.write(fn, true)) == DELETED) {
      cell = cell.liveCell();
    }
    return (T) next;
  }

  /** The value of the state's live cell (this one was deleted). */
  @SuppressWarnings("unchecked")
  T liveValue() {
    while (true) {
      Object value = liveCell().peek();
      if (value != DELETED) {
        return (T) value;
      }
    }
  }

  /**
   * The state's live cell (this one was deleted), recreated from the initial value if need be. The
   * caller uses it without holding the scope's lock (user code may run), so it may find that cell
   * deleted too and ask again.
   */
  @SuppressWarnings("unchecked")
  Cell<T> liveCell() {
    return (Cell<T>) scope.store.liveCell(scope.name, key, initial, declaration);
  }
}
