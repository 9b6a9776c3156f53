package dev.reactserver.state.runtime;

import dev.reactserver.state.runtime.spi.StateDeclaration;

/**
 * Two declarations of one state disagree on its type: for example two components compiled separately
 * that both declare key {@code "count"} in scope {@code "lobby"}, one as {@code int} and one as
 * {@code String}. Thrown by the first bind that meets the second declaration, instead of a
 * {@link ClassCastException} later.
 */
public final class StateTypeException extends StateException {

  private static final long serialVersionUID = 1L;

  private final transient StateDeclaration<?> existing;
  private final transient StateDeclaration<?> conflicting;

  StateTypeException(StateId id, StateDeclaration<?> existing, StateDeclaration<?> conflicting) {
    super("state " + id + " is declared with two types: " + describe(existing) + " and "
        + describe(conflicting) + "; declare it with one type everywhere, or give one of them another"
        + " key or scope");
    this.existing = existing;
    this.conflicting = conflicting;
  }

  StateTypeException(StateId id, Object value, StateDeclaration<?> conflicting) {
    super("state " + id + " holds a " + value.getClass().getName() + ", but " + describe(conflicting)
        + " declares it; declare it with one type everywhere, or give it another key or scope");
    this.existing = null;
    this.conflicting = conflicting;
  }

  /**
   * For stores that keep declarations elsewhere: the state {@code id} was declared by {@code existing},
   * described as {@link StateDeclaration#describe()} does (e.g. {@code "shop.Counter.count (int)"}), and
   * now {@code conflicting} declares it with another type. {@link #existing()} is null then.
   */
  public StateTypeException(StateId id, String existing, StateDeclaration<?> conflicting) {
    super("state " + id + " is declared with two types: " + existing + " and "
        + conflicting.describe() + "; declare it with one type everywhere, or give one of them another"
        + " key or scope");
    this.existing = null;
    this.conflicting = conflicting;
  }

  /**
   * The declaration the state was created with, or null if it was created without one or in another
   * process.
   */
  public StateDeclaration<?> existing() {
    return existing;
  }

  /** The declaration that did not match. */
  public StateDeclaration<?> conflicting() {
    return conflicting;
  }

  private static String describe(StateDeclaration<?> declaration) {
    return declaration.describe();
  }
}
