package dev.reactserver.state.runtime;

/**
 * An optimistic {@link StateRef#update} gave up: other writers changed the state before each of its
 * attempts. Raised by stores that update through a version check on a server; the state is unchanged by
 * this call, so the caller may retry (or use an increment, which never conflicts).
 */
public final class StateConflictException extends StateException {

  private static final long serialVersionUID = 1L;

  public StateConflictException(StateId id, int attempts) {
    super("update of state " + id + " gave up after " + attempts + " attempts: other writers changed"
        + " it before every attempt; retry later, or raise the store's update attempts");
  }
}
