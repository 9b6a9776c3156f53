package dev.reactserver.state.runtime.internal;

import dev.reactserver.state.runtime.StateContext;
import dev.reactserver.state.runtime.StateException;
import dev.reactserver.state.runtime.StateRef;
import dev.reactserver.state.runtime.StateTypeException;
import dev.reactserver.state.runtime.spi.StateDeclaration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Binds the states of one component together: a store on a server creates and checks all of them in
 * one round trip. Get one from {@link #of}, {@link #bind} every state, then {@link #load()} once before
 * using the handles. Generated {@code bind} methods do exactly that. Confined to one thread.
 *
 * <p>For generated code; not API; may change.
 */
public final class StateBatch {

  private final StateContext context;
  private final List<StateRef<?>> prepared;

  private StateBatch(StateContext context, int expected) {
    this.context = context;
    this.prepared = new ArrayList<>(Math.max(expected, 1));
  }

  /**
   * Starts binding several states in {@code context}.
   *
   * @param expected how many states will be bound (a hint)
   */
  public static StateBatch of(StateContext context, int expected) {
    return new StateBatch(Objects.requireNonNull(context, "context"), expected);
  }

  /**
   * Returns the handle on the state that {@code declaration} names in the batch's context, to be
   * created with {@code initial} by {@link #load()} if it does not exist. A state whose scope needs a
   * user is not loaded in a context without one: its handle throws a {@link StateException} on every
   * use (see {@link StateContext#bind}).
   */
  public <T> StateRef<T> bind(StateDeclaration<T> declaration, T initial) {
    if (!context.hasUserFor(declaration)) {
      return context.bind(declaration, initial); // a handle that refuses every use; nothing is loaded
    }
    StateRef<T> ref = context.store().prepareState(initial, context.idOf(declaration), declaration);
    prepared.add(ref);
    return ref;
  }

  /**
   * Creates and checks every state bound so far.
   *
   * @throws StateTypeException if a state exists with another declared type
   */
  public void load() {
    context.store().loadStates(prepared);
  }
}
