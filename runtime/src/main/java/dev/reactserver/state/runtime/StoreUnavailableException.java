package dev.reactserver.state.runtime;

/**
 * The server behind a store did not answer in time: it is down, unreachable or overloaded. The call had
 * no effect, or (for a write that timed out in flight) its effect is unknown; the store recovers by
 * itself when the server is back, so the caller may retry.
 */
public final class StoreUnavailableException extends StateException {

  private static final long serialVersionUID = 1L;

  public StoreUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
