package dev.reactserver.state.runtime;

import java.util.function.UnaryOperator;

/**
 * A live handle on one state of a {@link Store}.
 *
 * <p>Implementations are thread-safe. A handle stays usable after its state was deleted: the next
 * access creates the state again from the initial value it was created with (the way a component that
 * mounts again starts from its initial state).
 *
 * @param <T> the type of the state's value; reference-typed states may hold {@code null}
 */
public interface StateRef<T> {

  /** The state's identity. */
  StateId id();

  /** Returns the current value. */
  T get();

  /** Replaces the value. */
  void set(T value);

  /**
   * Atomically replaces the value with {@code fn} applied to it and returns the new value. No concurrent
   * write is lost; {@code fn} may be called more than once under contention, so it must be free of side
   * effects.
   */
  T update(UnaryOperator<T> fn);

  /**
   * Tells {@code listener} of every successful write of this state, in the order of the writes, until
   * the subscription is closed or the state deleted (the deletion is the last change it is told).
   */
  Subscription subscribe(StateListener<? super T> listener);
}
