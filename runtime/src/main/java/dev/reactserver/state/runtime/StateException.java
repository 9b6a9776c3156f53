package dev.reactserver.state.runtime;

/** A state cannot be used as asked; the message names the state and what is wrong. */
public class StateException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public StateException(String message) {
    super(message);
  }

  public StateException(String message, Throwable cause) {
    super(message, cause);
  }
}
