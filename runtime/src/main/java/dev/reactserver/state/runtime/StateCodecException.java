package dev.reactserver.state.runtime;

/**
 * A stored value cannot be read as the type its state is declared with here, typically because a new
 * version of the application changed the field's type. Stores that keep values as text throw it instead
 * of dropping the value; they can be configured to reset such states to their initial value instead.
 */
public final class StateCodecException extends StateException {

  private static final long serialVersionUID = 1L;

  private final StateId id;
  private final String storedType;
  private final String expectedType;

  /**
   * A value of {@code id}, stored as {@code storedType}, that does not decode as {@code expectedType}.
   *
   * @param storedType the type the state was stored with, as the store recorded it
   * @param expectedType the type it is read as
   * @param cause the codec's error
   */
  public StateCodecException(StateId id, String storedType, String expectedType, Throwable cause) {
    super("state " + id + " holds a value stored as " + storedType + " that does not decode as "
        + expectedType + " (" + (cause == null ? "no detail" : cause.getMessage()) + "); migrate or"
        + " delete the stored value, or configure the store to reset such states to their initial value",
        cause);
    this.id = id;
    this.storedType = storedType;
    this.expectedType = expectedType;
  }

  /** The state whose value did not decode. */
  public StateId id() {
    return id;
  }

  /** The type the value was stored with. */
  public String storedType() {
    return storedType;
  }

  /** The type it was read as. */
  public String expectedType() {
    return expectedType;
  }
}
