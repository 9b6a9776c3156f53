package dev.reactserver.state.runtime;

import dev.reactserver.state.runtime.spi.StateDeclaration;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.UnaryOperator;

/**
 * A state declared {@code long}. Values within 62 bits (±2.3 × 10¹⁸) share one word with the state's
 * mode, as in {@link IntCell}: an add is a single compare-and-set that allocates nothing. A value beyond
 * 62 bits moves the state to the <em>large</em> mode: the value lives in its own field, every write
 * takes the lock, and the word holds a number that is new each time the state enters that mode, so that
 * a read of the field can check it did not straddle a change of mode (a seqlock). A {@code long} state
 * cannot hold {@code null}.
 */
final class LongCell extends WordCell<Long> {
  private static final int MODE_SHIFT = 62;
  private static final long PLAIN = 0;
  private static final long OBSERVED = 1L << MODE_SHIFT;
  private static final long DETACHED = 2L << MODE_SHIFT;
  private static final long LARGE = 3L << MODE_SHIFT;
  private static final long LOW_BITS = (1L << MODE_SHIFT) - 1;
  private static final VarHandle WORD;

  static {
    try {
      WORD = MethodHandles.lookup().findVarHandle(LongCell.class, "word", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** The mode in the top two bits; the value (plain, observed) or the large-mode number in the rest. */
  @SuppressWarnings("unused") // accessed through WORD
  private volatile long word;
  /** The value in the large mode; written only under the monitor. */
  private volatile long large;
  /** How many times the state entered the large mode; guarded by the monitor. */
  private long largeEntries;
  /** Whether anyone listens; guarded by the monitor (the word says so too, outside the large mode). */
  private boolean observed;

  LongCell(Scope scope, String key, long initial, long value, StateDeclaration<?> declaration,
      boolean observed) {
    super(scope, key, initial, declaration);
    this.observed = observed;
    this.word = wordFor(value);
  }

  private static boolean fits(long value) {
    return (value << 2 >> 2) == value;
  }

  private static long mode(long word) {
    return word & ~LOW_BITS;
  }

  /** The value of a plain or observed word, sign-extended from 62 bits. */
  private static long value(long word) {
    return word << 2 >> 2;
  }

  /** The word holding {@code value}, entering the large mode if it does not fit; holds the monitor. */
  private long wordFor(long value) {
    if (fits(value)) {
      return (observed ? OBSERVED : PLAIN) | (value & LOW_BITS);
    }
    large = value;
    return LARGE | (++largeEntries & LOW_BITS);
  }

  @Override
  Object peek() {
    while (true) {
      long current = word;
      long mode = mode(current);
      if (mode == DETACHED) {
        return DELETED;
      }
      if (mode != LARGE) {
        return value(current);
      }
      long value = large;
      if (word == current) { // no change of mode since: the field held the value
        return value;
      }
    }
  }

  @Override
  public Long get() {
    Object current = peek();
    return current == DELETED ? liveValue() : (Long) current;
  }

  @Override
  public long addLong(long delta) {
    while (true) {
      long current = word;
      long next = value(current) + delta; // wraps like Java arithmetic
      if (mode(current) != PLAIN || !fits(next)) {
        return update(v -> v + delta); // observed, large, deleted or leaving 62 bits: the general path
      }
      if (WORD.compareAndSet(this, current, next & LOW_BITS)) {
        written();
        return next;
      }
    }
  }

  @Override
  public int addInt(int delta) {
    throw notA("int");
  }

  @Override
  String primitiveName() {
    return "long";
  }

  // Lock-free for plain values within 62 bits; otherwise the function runs without the lock, which only
  // publishes.
  @Override
  Object write(UnaryOperator<Long> fn, boolean deliver) {
    while (true) {
      long current = word;
      long mode = mode(current);
      if (mode == DETACHED) {
        return DELETED;
      }
      long old = mode == LARGE ? large : value(current);
      if (mode == LARGE && word != current) {
        continue; // the field changed while it was read
      }
      long next = requireValue(fn.apply(old));
      if (mode == PLAIN && fits(next)) {
        if (WORD.compareAndSet(this, current, next & LOW_BITS)) {
          return next;
        }
      } else if (commitLocked(current, old, next)) {
        if (deliver) {
          deliver();
        }
        return next;
      }
    }
  }

  /**
   * Writes {@code next} over the word a write read, entering or leaving the large mode as need be, and
   * queues the change if observed; false if the word changed first. Only plain words change without
   * this lock (a failed compare-and-set means a lock-free write won), so changes are queued in write
   * order.
   */
  private synchronized boolean commitLocked(long read, long old, long next) {
    if (word != read || !WORD.compareAndSet(this, read, wordFor(next))) {
      return false; // a large value written by wordFor is never read outside the large mode
    }
    if (observed) {
      offerChange(old, next);
    }
    return true;
  }

  @Override
  boolean isDetached() {
    return mode(word) == DETACHED;
  }

  /** Records whether anyone listens and says so in a plain or observed word; holds the monitor. */
  @Override
  void setObserved(boolean observed) {
    this.observed = observed;
    while (true) {
      long current = word;
      long mode = mode(current);
      if (mode == DETACHED || mode == LARGE) {
        return; // large writes take the lock and read the field
      }
      long wanted = (observed ? OBSERVED : PLAIN) | (current & LOW_BITS);
      if (current == wanted || WORD.compareAndSet(this, current, wanted)) {
        return;
      }
    }
  }

  @Override
  synchronized boolean detach() {
    long old;
    do {
      old = word;
      if (mode(old) == DETACHED) {
        return false;
      }
    } while (!WORD.compareAndSet(this, old, DETACHED));
    if (observed) {
      offerDeletion(mode(old) == LARGE ? large : value(old));
    }
    return true;
  }

  @Override
  public String toString() {
    Object current = peek();
    return id() + "=" + (current == DELETED ? "<deleted>" : current);
  }
}
