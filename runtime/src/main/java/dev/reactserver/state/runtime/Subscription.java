package dev.reactserver.state.runtime;

/**
 * A listener's registration. Closing it stops further changes and lets the store forget the listener;
 * deleting the state (or its scope) does the same. Closing twice is harmless. Thread-safe.
 */
public interface Subscription extends AutoCloseable {

  /** Whether the listener is still told of changes: not closed, and its state or scope not deleted. */
  boolean isActive();

  /** Unsubscribes the listener. */
  @Override
  void close();
}
