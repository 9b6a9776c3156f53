package dev.reactserver.state.runtime;

import dev.reactserver.state.runtime.spi.StateDeclaration;
import java.util.Objects;

/**
 * A primitive state ({@link IntCell}, {@link LongCell}) whose value and mode share one word. What they
 * have in common lives here: set and update (which refuse {@code null}), and the listeners, kept under the
 * cell's monitor. Subclasses write the word, say whether the cell was deleted and record in the word
 * whether anyone listens.
 */
abstract class WordCell<T> extends Cell<T> {
  /** Listeners of this state; guarded by the monitor. */
  private Registration[] listeners = Registration.NONE;

  WordCell(Scope scope, String key, Object initial, StateDeclaration<?> declaration) {
    super(scope, key, initial, declaration);
  }

  /** {@code "int"} or {@code "long"}: for messages. */
  abstract String primitiveName();

  @Override
  public void set(T newValue) {
    super.set(requireValue(newValue));
  }

  @Override
  T checkValue(T value) {
    return requireValue(value);
  }

  @Override
  @SuppressWarnings("unchecked")
  void overwrite(Object newValue) {
    T value = requireValue((T) newValue);
    write(old -> value, false);
  }

  @Override
  public double addDouble(double delta) {
    throw notA("double");
  }

  /** What an add of another primitive type throws. */
  ClassCastException notA(String requested) {
    return new ClassCastException("state " + id() + " is declared " + primitiveName() + ", not " + requested);
  }

  /** Returns {@code value}; a primitive state cannot hold null. */
  T requireValue(T value) {
    if (value == null) {
      throw new StateException("state " + id() + " is declared " + primitiveName() + " and cannot hold null");
    }
    return value;
  }

  /** Whether the cell was deleted. */
  abstract boolean isDetached();

  /** Records in the word whether anyone listens (not in a deleted cell); the caller holds the monitor. */
  abstract void setObserved(boolean observed);

  @Override
  public Subscription subscribe(StateListener<? super T> listener) {
    Objects.requireNonNull(listener, "listener");
    synchronized (this) {
      if (!isDetached()) {
        Registration registration = new Registration(listener, this::unsubscribe, scope.store.subscriptions);
        listeners = CopyOnWrite.append(listeners, registration);
        setObserved(true);
        return registration;
      }
    }
    return subscribeLive(listener);
  }

  private synchronized void unsubscribe(Registration registration) {
    listeners = CopyOnWrite.remove(listeners, registration, Registration.NONE);
    unobserveIfUnwatched();
  }

  @Override
  synchronized void observe() {
    setObserved(true);
  }

  @Override
  synchronized void unobserveIfUnwatched() {
    if (listeners.length == 0 && scope.listeners.length == 0) {
      setObserved(false);
    }
  }

  /** Queues a change for this state's and its scope's listeners; the caller holds the monitor. */
  void offerChange(Object oldValue, Object newValue) {
    StateId id = id();
    queue(id).offer(new StateChange<>(id, oldValue, newValue, false), CopyOnWrite.concat(listeners, scope.listeners));
  }

  /**
   * Queues the deletion of the state, which held {@code lastValue}, and forgets its listeners; the caller
   * holds the monitor and has just marked the cell deleted.
   */
  void offerDeletion(Object lastValue) {
    StateId id = id();
    queue(id).offer(new StateChange<>(id, lastValue, null, true), CopyOnWrite.concat(listeners, scope.listeners));
    for (Registration registration : listeners) {
      registration.retire();
    }
    listeners = Registration.NONE;
  }
}
