package dev.reactserver.state.runtime;

import java.util.ArrayList;
import java.util.List;

/**
 * Binds the states of one component together: a store on a server creates and checks all of them in
 * one round trip. Get one from {@link StateContext#batch(int)}, {@link #bind} every state, then
 * {@link #load()} once before using the handles. Generated {@code bind} methods do exactly that.
 * Confined to one thread.
 */
public final class StateBatch {

  private final StateContext context;
  private final List<StateRef<?>> prepared;

  StateBatch(StateContext context, int expected) {
    this.context = context;
    this.prepared = new ArrayList<>(Math.max(expected, 1));
  }

  /**
   * Returns the handle on the state that {@code declaration} names in the batch's context, to be
   * created with {@code initial} by {@link #load()} if it does not exist. A state whose scope needs a
   * user is not loaded in a context without one: its handle throws a {@link StateException} on every
   * use (see {@link StateContext#bind}).
   */
  public <T> StateRef<T> bind(StateDeclaration<T> declaration, T initial) {
    if (context.lacksUserFor(declaration)) {
      return new MissingUserStateRef<>(declaration);
    }
    StateRef<T> ref = context.prepare(declaration, initial);
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
