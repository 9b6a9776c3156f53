package dev.reactserver.state.runtime;

/**
 * Creating a state would exceed the store's cap on the number of states
 * ({@link StoreOptions.Builder#maxStates(long)}). Nothing was created; the store is unchanged.
 */
public final class StateLimitException extends StateException {

  private static final long serialVersionUID = 1L;

  StateLimitException(StateId id, long maxStates) {
    super("cannot create state " + id + ": the store already holds its maximum of " + maxStates
        + " states (StoreOptions.maxStates); end clients that left (Store.endClient), set an idle"
        + " timeout (StoreOptions.idleClientTimeout) or raise the cap");
  }
}
