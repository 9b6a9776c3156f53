package dev.reactserver.state.runtime;

import java.lang.System.Logger.Level;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Changes waiting to be told to listeners, for a stripe of states (every change of one state id goes
 * through the same queue). One thread at a time delivers them, in the order they were offered: the
 * writing thread (if another thread is already delivering, that thread delivers the new change right
 * after the earlier ones), or a task on the store's listener executor.
 */
final class ChangeQueue {

  private static final System.Logger LOG = System.getLogger("dev.reactserver.state");

  private record Pending(StateChange<?> change, Registration[] targets) {}

  private final Executor executor;
  private final StoreMetrics metrics;
  private final ArrayDeque<Pending> pending = new ArrayDeque<>(4);
  private boolean delivering;

  ChangeQueue(Executor executor, StoreMetrics metrics) {
    this.executor = executor;
    this.metrics = metrics;
  }

  /** Queues a change; writers call it while holding the state's lock, so that queue order is write order. */
  synchronized void offer(StateChange<?> change, Registration[] targets) {
    if (targets.length > 0) {
      pending.add(new Pending(change, targets));
    }
  }

  /** Delivers the queued changes unless another thread is; call it without holding the state's lock. */
  void deliver() {
    synchronized (this) {
      if (delivering || pending.isEmpty()) {
        return;
      }
      delivering = true;
    }
    if (executor == null) {
      drain();
      return;
    }
    try {
      executor.execute(this::drain);
    } catch (RejectedExecutionException e) {
      LOG.log(Level.WARNING, "the listener executor rejected a delivery; telling listeners on the"
          + " writing thread instead", e);
      drain();
    }
  }

  private void drain() {
    while (true) {
      Pending next;
      synchronized (this) {
        next = pending.poll();
        if (next == null) {
          delivering = false;
          return;
        }
      }
      for (Registration target : next.targets) {
        if (!target.tell(next.change)) {
          metrics.listenerFailed();
        }
      }
    }
  }
}
