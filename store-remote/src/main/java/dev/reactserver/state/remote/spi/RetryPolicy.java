package dev.reactserver.state.remote.spi;

import dev.reactserver.state.runtime.StateConflictException;
import dev.reactserver.state.runtime.StateException;
import dev.reactserver.state.runtime.StateId;
import java.util.concurrent.ThreadLocalRandom;
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
 *       an attempt fail; an update nested in another's function never waits for a stripe.
 * </ul>
 */
final class RetryPolicy {

  static final int IMMEDIATE_RETRIES = 2;
  static final int MAX_BACK_OFF_SHIFT = 11;
  static final int HOLD_AFTER_CONFLICTS = 3;
  static final int RECREATE_ATTEMPTS = 100;
  static final int TURN_STRIPES = 64;

  private final int updateAttempts;
  private final Lock[] turns = new Lock[TURN_STRIPES];

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
