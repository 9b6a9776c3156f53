package dev.reactserver.state.runtime.spi;

/**
 * Turns the values of one state type into text and back, for stores that keep states outside the JVM
 * (the Redis and PostgreSQL stores store JSON). Stores choose a codec from each state's declared
 * {@link StateType}, generic arguments included. Implementations are thread-safe.
 *
 * @param <T> the type of the values
 */
public interface StateCodec<T> {

  /**
   * Returns {@code value} as text; {@code null} is encoded too.
   *
   * @throws IllegalArgumentException if the value cannot be encoded
   */
  String encode(T value);

  /**
   * Returns the value that {@code text} encodes.
   *
   * @throws IllegalArgumentException if {@code text} is not a value of this codec's type
   */
  T decode(String text);
}
