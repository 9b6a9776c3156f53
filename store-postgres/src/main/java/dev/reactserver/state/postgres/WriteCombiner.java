package dev.reactserver.state.postgres;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;

/**
 * Runs the writes of many threads together (flat combining): a thread queues its write and, if fewer
 * than {@code runners} batches are running, runs every write queued so far as one batch itself;
 * otherwise it waits until a runner has done its write or until it may run the next batch. Alone, a
 * thread runs its own write at once; under load, one round trip and one commit carry many writes.
 *
 * <p>No lock is held while a batch runs, and the batch function runs no user code.
 *
 * @param <W> a write
 * @param <R> its outcome
 */
final class WriteCombiner<W, R> {

  private final ConcurrentLinkedQueue<Pending<W, R>> queue = new ConcurrentLinkedQueue<>();
  private final Semaphore runners;
  private final int maxBatch;
  private final Function<List<W>, List<R>> batch;

  /**
   * @param runners how many batches may run at once
   * @param maxBatch the most writes in one batch
   * @param batch runs writes in order and returns an outcome for each, in the same order; it does not throw
   */
  WriteCombiner(int runners, int maxBatch, Function<List<W>, List<R>> batch) {
    this.runners = new Semaphore(runners);
    this.maxBatch = maxBatch;
    this.batch = batch;
  }

  /** Runs {@code write}, alone or with others, and returns its outcome once it is done. */
  R run(W write) {
    Pending<W, R> pending = new Pending<>(write, Thread.currentThread());
    queue.add(pending);
    boolean interrupted = false;
    while (!pending.done()) {
      if (runners.tryAcquire()) {
        try {
          runQueued();
        } finally {
          runners.release();
        }
        // A write queued while this batch ran may have found no free runner: its thread runs next.
        Pending<W, R> next = queue.peek();
        if (next != null) {
          LockSupport.unpark(next.thread);
        }
      } else {
        LockSupport.park(this);
        interrupted |= Thread.interrupted(); // waits on: the write is on its way to the server
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    if (pending.failure != null) {
      throw pending.failure;
    }
    return pending.outcome;
  }

  private void runQueued() {
    List<Pending<W, R>> taken = new ArrayList<>();
    Pending<W, R> next;
    while (taken.size() < maxBatch && (next = queue.poll()) != null) {
      taken.add(next);
    }
    if (taken.isEmpty()) {
      return;
    }
    List<W> writes = new ArrayList<>(taken.size());
    for (Pending<W, R> pending : taken) {
      writes.add(pending.write);
    }
    List<R> outcomes = null;
    RuntimeException failure = null;
    try {
      outcomes = batch.apply(writes);
    } catch (RuntimeException | Error e) {
      // a bug of the batch function: every write of the batch reports it rather than wait forever
      failure = e instanceof RuntimeException runtime ? runtime : new IllegalStateException(e);
      if (e instanceof Error error) {
        finish(taken, null, failure);
        throw error;
      }
    }
    finish(taken, outcomes, failure);
  }

  private static <W, R> void finish(List<Pending<W, R>> taken, List<R> outcomes, RuntimeException failure) {
    for (int i = 0; i < taken.size(); i++) {
      Pending<W, R> pending = taken.get(i);
      pending.outcome = outcomes == null ? null : outcomes.get(i);
      pending.failure = failure;
      pending.finished = true;
      LockSupport.unpark(pending.thread);
    }
  }

  private static final class Pending<W, R> {
    final W write;
    final Thread thread;
    R outcome;
    RuntimeException failure;
    volatile boolean finished;

    Pending(W write, Thread thread) {
      this.write = write;
      this.thread = thread;
    }

    boolean done() {
      return finished;
    }
  }
}
