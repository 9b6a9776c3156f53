package dev.reactserver.state.remote.spi;

/**
 * The outcome of one write on the server.
 *
 * @param oldValue the encoded value before the write
 * @param newValue the encoded value after it; null in {@link #NOT_ADDED}
 * @param version the state's version after it
 */
public record Written(String oldValue, String newValue, long version) {

  /**
   * What {@link RemoteStore#add} returns when the server wrote nothing because it could not add: the sum
   * leaves the number kind's range, the value is not a number, or the server cannot add that kind. The
   * store then adds through an update.
   */
  public static final Written NOT_ADDED = new Written(null, null, -1);
}
