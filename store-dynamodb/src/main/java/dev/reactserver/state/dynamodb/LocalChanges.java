package dev.reactserver.state.dynamodb;

import dev.reactserver.state.remote.spi.ChangeMessage;
import dev.reactserver.state.runtime.StateId;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Without a stream, an instance tells its listeners of its own writes: each write runs holding its
 * state's stripe, one at a time per stripe, and tells its change before letting go, so that one state's
 * changes are told in the order they were written. With a stream, the stream tells every write and this
 * does nothing.
 */
final class LocalChanges {

  private static final int STRIPES = 64;

  private final Consumer<ChangeMessage> receiver;
  /** Null when a stream tells the changes. */
  private final ReentrantLock[] stripes;

  /**
   * @param streamed whether a stream tells every write
   * @param receiver takes a change (queues it; no listener runs there)
   */
  LocalChanges(boolean streamed, Consumer<ChangeMessage> receiver) {
    this.receiver = receiver;
    this.stripes = streamed ? null : new ReentrantLock[STRIPES];
    if (stripes != null) {
      for (int i = 0; i < stripes.length; i++) {
        stripes[i] = new ReentrantLock();
      }
    }
  }

  /** Whether this instance tells its own writes (no stream does). */
  boolean local() {
    return stripes != null;
  }

  /** Runs {@code write}, holding its state's stripe when this instance tells its own changes. */
  <T> T inOrder(StateId id, Supplier<T> write) {
    if (stripes == null) {
      return write.get();
    }
    ReentrantLock lock = stripes[Math.floorMod(id.hashCode(), stripes.length)];
    lock.lock();
    try {
      return write.get();
    } finally {
      lock.unlock();
    }
  }

  /** Tells the change of a write made inside {@link #inOrder}, when no stream does. */
  void tell(Supplier<ChangeMessage> change) {
    if (stripes != null) {
      receiver.accept(change.get());
    }
  }
}
