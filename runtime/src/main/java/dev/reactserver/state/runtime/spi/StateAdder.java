package dev.reactserver.state.runtime.spi;

import dev.reactserver.state.runtime.StateException;

/**
 * Implemented by handles that add without the general {@code update} machinery: the in-memory store
 * with one compare-and-set, server stores with one pushed-down command. It must behave exactly like
 * an {@code update} that adds (overflow wraps for {@code int}; a store may reject a {@code long}
 * overflow with a {@link StateException}).
 */
public interface StateAdder {
  /** Adds {@code delta} to an {@code int} state and returns the new value. */
  int addInt(int delta);

  /** Adds {@code delta} to a {@code long} state and returns the new value. */
  long addLong(long delta);

  /** Adds {@code delta} to a {@code double} state and returns the new value. */
  double addDouble(double delta);
}
