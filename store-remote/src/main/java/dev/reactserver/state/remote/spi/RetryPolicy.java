package dev.reactserver.state.remote.spi;

import dev.reactserver.state.runtime.StateConflictException;
import dev.reactserver.state.runtime.StateException;
import dev.reactserver.state.runtime.StateId;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * How a {@link RemoteStore}'s writes retry, with every number in one place, since they depend on each
 * other:
 *
 * <ul>
 *   <li>an optimistic update makes at most {@code updateAttempts} compare-and-sets (100 by default), then
 *       throws {@link StateConflictException};
 *   <li>the first {@value #IMMEDIATE_RETRIES} lost compare-and-sets retry at once with the value the server
 *       answered; later ones wait a random time of up to {@code 1 µs << min(attempt, }{@value
 *       #MAX_BACK_OFF_SHIFT}{@code )} (2 ms), or twice the time the lost attempt took if that is longer,
 *       and read again, so that colliding writers spread out;
 *   <li>after {@value #HOLD_AFTER_CONFLICTS} lost compare-and-sets, if attempts remain (so only with more
 *       than {@value #HOLD_AFTER_CONFLICTS} attempts), an outermost update asks the server to hold the
 *       state for one more run of its function;
 *   <li>a write that finds its state deleted creates it again at most {@value #RECREATE_ATTEMPTS} times;
 *   <li>threads of one node updating states in one of {@value #TURN_STRIPES} stripes (by id hash) take
 *       turns, holding the stripe's lock across the update's round trips, so that mostly other nodes make
 *       an attempt fail; an update nested in another's function never waits for a stripe;
 *   <li>an update that lost {@value #HOLD_AFTER_CONFLICTS} compare-and-sets and still lost (its hold refused,
 *       e.g. because its function writes another state) takes this node's <em>priority</em> if no other
 *       update has it: until it ends, other threads' update attempts of the same state wait for it, each
 *       for at most one command timeout. Without it an update whose function is slow (another update
 *       nested in it) loses every attempt to a thread that writes the state in a tight loop (the other
 *       order of nested updates). One update at a time has priority, and its own attempts never wait, so
 *       two priorities can never wait for each other.
 * </ul>
 */
final class RetryPolicy {

  static final int IMMEDIATE_RETRIES = 2;
  static final int MAX_BACK_OFF_SHIFT = 11;
  static final int HOLD_AFTER_CONFLICTS = 3;
  static final int RECREATE_ATTEMPTS = 100;
  static final int TURN_STRIPES = 64;
  /** How often a thread that yields to the priority looks whether it ended. */
  static final long YIELD_PAUSE_NANOS = 50_000;

  private final int updateAttempts;
  private final Lock[] turns = new Lock[TURN_STRIPES];
  /** The update of this node that goes first, or null (see the class comment). */
  private final AtomicReference<Priority> priority = new AtomicReference<>();

  /** The thread whose update of {@code id} has priority. */
  private record Priority(Thread thread, StateId id) {}

  RetryPolicy(int updateAttempts) {
    this.updateAttempts = updateAttempts;
    for (int i = 0; i < turns.length; i++) {
      turns[i] = new ReentrantLock();
    }
  }

  /** The lock that local updates of {@code id} take turns on. */
  Lock turnFor(StateId id) {
    return turns[Math.floorMod(id.hashCode(), turns.length)];
  }

  /**
   * Takes the node's priority for this thread's update of {@code id} if the update lost its
   * {@code attempt}-th compare-and-set, the hold did not help, and no other update has it; true if taken
   * (then {@link #endPriority} once the update ends).
   */
  boolean takePriority(StateId id, int attempt) {
    return attempt >= HOLD_AFTER_CONFLICTS && priority.get() == null
        && priority.compareAndSet(null, new Priority(Thread.currentThread(), id));
  }

  /** Ends the priority this thread took. */
  void endPriority() {
    Priority held = priority.get();
    if (held != null && held.thread() == Thread.currentThread()) {
      priority.compareAndSet(held, null);
    }
  }

  /**
   * Before an update attempt of {@code id}: waits while another thread's update of it has priority, for
   * at most {@code maxWait}.
   */
  void yieldToPriority(StateId id, Duration maxWait) {
    Priority first = priority.get();
    if (first == null || first.thread() == Thread.currentThread() || !first.id().equals(id)) {
      return; // the common case: one read
    }
    long deadline = System.nanoTime() + maxWait.toNanos();
    while (priority.get() == first && System.nanoTime() < deadline) {
      LockSupport.parkNanos(YIELD_PAUSE_NANOS);
    }
  }

  /** Whether an update that just lost its {@code attempt}-th compare-and-set asks to hold the state. */
  boolean holdsAfter(int attempt) {
    return attempt == HOLD_AFTER_CONFLICTS && attempt < updateAttempts;
  }

  /** Throws if an update has lost {@code attempt} compare-and-sets, its last allowed. */
  void checkAttempts(StateId id, int attempt) {
    if (attempt >= updateAttempts) {
      throw new StateConflictException(id, attempt);
    }
  }

  /** Whether the update retries at once with the value the server answered after a lost {@code attempt}. */
  static boolean retriesAtOnce(int attempt) {
    return attempt <= IMMEDIATE_RETRIES;
  }

  /**
   * Waits before the attempt after {@code attempt}, which took {@code attemptNanos}: writers that keep
   * colliding spread out, over at least twice an attempt's time (on a slow server 2 ms spread nothing).
   */
  static void backOff(int attempt, long attemptNanos) {
    if (attempt > IMMEDIATE_RETRIES) {
      long maxNanos = Math.max(1_000L << Math.min(attempt, MAX_BACK_OFF_SHIFT), 2 * attemptNanos);
      LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(maxNanos));
    }
  }

  /** Throws if a write has found its state deleted {@code attempt} times. */
  static void checkRecreate(StateId id, int attempt) {
    if (attempt >= RECREATE_ATTEMPTS) {
      throw new StateException("state " + id + " was deleted " + attempt + " times while this"
          + " handle was writing it; giving up");
    }
  }
}
