package dev.reactserver.state.runtime;

import java.util.Map;

/**
 * Where states live: the SPI every store implements. {@link InMemoryStore} is the embedded default.
 *
 * <p>Implementations are thread-safe. Scopes passed to a store are resolved scopes (see
 * {@link StateContext#resolveScope(String)}).
 */
public interface Store {

  /** Returns the state {@code id}, creating it with {@code initial} if it does not exist yet. */
  <T> StateRef<T> getState(T initial, StateId id);

  /** Creates the state {@code id} with {@code initial}, or sets an existing one's value to {@code initial}. */
  <T> StateRef<T> createState(T initial, StateId id);

  /** Whether the state {@code id} exists. */
  boolean hasState(StateId id);

  /** Deletes the state {@code id}; returns whether it existed. */
  boolean deleteState(StateId id);

  /** A snapshot of the states of one resolved scope, by key, sorted by key. */
  Map<String, StateRef<?>> statesIn(String scope);

  /** A snapshot of every state. */
  Map<StateId, StateRef<?>> states();

  /** Deletes every state of one resolved scope (for example a client that left); returns how many. */
  int deleteScope(String scope);
}
