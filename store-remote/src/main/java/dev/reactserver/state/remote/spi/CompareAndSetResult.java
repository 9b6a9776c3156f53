package dev.reactserver.state.remote.spi;

/**
 * The outcome of {@link RemoteStore#compareAndSet}: the write, or, with nothing written, the state the
 * server found instead, so that a retry needs no extra read.
 *
 * @param written the write, or null if the version did not match or the state does not exist
 * @param found the state as it is now when nothing was written; null if it does not exist, or if the
 *     server did not tell (the store then reads it)
 */
public record CompareAndSetResult(Written written, StoredState found) {

  /** The value was written. */
  public static CompareAndSetResult wrote(Written written) {
    return new CompareAndSetResult(written, null);
  }

  /** Nothing was written; {@code found} is the state now, or null if unknown or absent. */
  public static CompareAndSetResult lost(StoredState found) {
    return new CompareAndSetResult(null, found);
  }
}
