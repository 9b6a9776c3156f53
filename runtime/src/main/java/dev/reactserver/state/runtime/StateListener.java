package dev.reactserver.state.runtime;

/**
 * Told after each successful write of a state it is subscribed to ({@link StateRef#subscribe},
 * {@link Store#subscribe}), typically to re-render the components that show the state.
 *
 * <p>Changes of one state arrive one at a time and in the order of the writes. A listener that throws
 * neither fails the write nor keeps other listeners from being told; the exception is logged.
 *
 * @param <T> the type of the state's value
 */
@FunctionalInterface
public interface StateListener<T> {

  /** Called once for each successful write (or deletion) of the state. */
  void onChange(StateChange<T> change);
}
