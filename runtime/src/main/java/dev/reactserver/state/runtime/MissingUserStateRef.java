package dev.reactserver.state.runtime;

import dev.reactserver.state.runtime.spi.StateDeclaration;
import java.util.function.UnaryOperator;

/**
 * What a {@code $user} state is bound to in a context without a user (a visitor who has not signed
 * in): binding the component succeeds, so the page can render what it may show, but every use of this
 * handle throws the {@code StateException} that names the component, the state and the missing user.
 * Nothing is created or loaded for it.
 */
final class MissingUserStateRef<T> implements StateRef<T> {

  private final StateDeclaration<T> declaration;

  MissingUserStateRef(StateDeclaration<T> declaration) {
    this.declaration = declaration;
  }

  /** The exception every use throws. */
  StateException missingUser() {
    return new StateException("state '" + declaration.field() + "' of " + declaration.component()
        + " has scope '" + declaration.scope() + "', but it was bound in a StateContext that has no user"
        + " (a visitor who has not signed in): bind " + declaration.component() + " in a context from"
        + " withUser(userId) to use it");
  }

  @Override
  public StateId id() {
    throw missingUser();
  }

  @Override
  public T get() {
    throw missingUser();
  }

  @Override
  public void set(T value) {
    throw missingUser();
  }

  @Override
  public T update(UnaryOperator<T> fn) {
    throw missingUser();
  }

  @Override
  public Subscription subscribe(StateListener<? super T> listener) {
    throw missingUser();
  }

  @Override
  public String toString() {
    return declaration.component() + "." + declaration.field() + " (scope " + declaration.scope()
        + "): not bound, the context has no user";
  }
}
