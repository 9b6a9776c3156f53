package dev.reactserver.state.runtime;

import dev.reactserver.state.runtime.spi.StateDeclaration;
import java.util.List;
import java.util.Map;

/**
 * Where states live: the SPI every store implements. {@link InMemoryStore} is the embedded default.
 *
 * <p>Implementations are thread-safe. Scopes passed to a store are resolved scopes (see
 * {@link StateContext#resolveScope(String)}).
 *
 * <p>Every successful write of a state ({@link StateRef#set}, {@link StateRef#update}, an overwriting
 * {@link #createState}, a deletion) is told to the listeners subscribed to the state and to its scope,
 * once, in the order of the writes. Creating a state is not a write.
 */
public interface Store {

  /** Returns the state {@code id}, creating it with {@code initial} if it does not exist yet. */
  <T> StateRef<T> getState(T initial, StateId id);

  /**
   * Returns the state {@code id} as {@code declaration} declares it, creating it with {@code initial}
   * if it does not exist yet. The store remembers the declaration a state was created with; a state
   * created without one takes the first declaration that binds it. Binding a state sees its client
   * (for idle timeouts).
   *
   * @throws StateTypeException if the state was declared with another type, or holds a value that is
   *     not of the declared type
   */
  <T> StateRef<T> getState(T initial, StateId id, StateDeclaration<T> declaration);

  /**
   * The first half of binding several states at once, as a generated {@code bind} does: returns the
   * handle that {@link #getState(Object, StateId, StateDeclaration)} would, but a store may defer
   * creating and checking the state until {@link #loadStates} is called with it. By default it binds at once.
   */
  default <T> StateRef<T> prepareState(T initial, StateId id, StateDeclaration<T> declaration) {
    return getState(initial, id, declaration);
  }

  /**
   * The second half of binding several states at once: creates and checks every state that
   * {@link #prepareState} returned, in one round trip for stores on a server. By default, nothing.
   *
   * @throws StateTypeException if a state exists with another declared type
   * @throws IllegalArgumentException if a handle was not prepared by this store
   */
  default void loadStates(List<? extends StateRef<?>> prepared) {}

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

  /** Deletes every state of one resolved scope and its scope listeners; returns how many states. */
  int deleteScope(String scope);

  /**
   * Tells {@code listener} of every write of every state of the resolved {@code scope}, including
   * states created later, until the subscription is closed or the scope deleted.
   */
  Subscription subscribe(String scope, StateListener<Object> listener);

  /**
   * Removes every state resolved for the client {@code clientId}: its {@code $client} scope and every
   * composite scope that substituted it (such as {@code "cart.$client"}), with their subscriptions.
   * Call it when a client disconnects.
   *
   * @return how many states were removed
   * @throws IllegalArgumentException if {@code clientId} is null or empty
   */
  int endClient(String clientId);

  /**
   * Removes every state resolved for the user {@code userId} ({@code $user} and composite scopes), with
   * their subscriptions; for example when the user's account is deleted.
   *
   * @return how many states were removed
   * @throws IllegalArgumentException if {@code userId} is null or empty
   */
  int endUser(String userId);

  /**
   * Removes every state resolved for the component instance {@code componentKey} ({@code $component}
   * and composite scopes), with their subscriptions. Call it when the component is destroyed.
   *
   * @return how many states were removed
   * @throws IllegalArgumentException if {@code componentKey} is null or empty
   */
  int endComponent(String componentKey);

  /** Records that the client {@code clientId} is still there, so that its idle timeout starts again. */
  void touchClient(String clientId);
}
