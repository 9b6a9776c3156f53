package dev.reactserver.state.runtime;

import dev.reactserver.state.runtime.spi.StateDeclaration;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.UnaryOperator;

/**
 * A state declared {@code int}: the value and the state's mode share one {@code long} word, so that an
 * add is a single compare-and-set that allocates nothing, and a mode change (a listener arriving,
 * deletion) makes every lock-free write that read the old word fail and look again, exactly as the
 * observed box does for {@link ObjectCell}. An {@code int} state cannot hold {@code null}.
 */
final class IntCell extends WordCell<Integer> {
  private static final long VALUE_BITS = 0xFFFF_FFFFL;
  private static final long OBSERVED = 1L << 32;
  private static final long DETACHED = 2L << 32;
  private static final VarHandle WORD;

  static {
    try {
      WORD = MethodHandles.lookup().findVarHandle(IntCell.class, "word", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  @SuppressWarnings("unused") // accessed through WORD
  private volatile long word;

  IntCell(Scope scope, String key, int initial, int value, StateDeclaration<?> declaration, boolean observed) {
    super(scope, key, initial, declaration);
    this.word = (value & VALUE_BITS) | (observed ? OBSERVED : 0);
  }

  private static int value(long word) {
    return (int) word;
  }

  private static long mode(long word) {
    return word & ~VALUE_BITS;
  }

  private static long with(long word, int value) {
    return mode(word) | (value & VALUE_BITS);
  }

  @Override
  public Integer get() {
    long current = word;
    return mode(current) == DETACHED ? liveValue() : value(current);
  }

  @Override
  Object peek() {
    long current = word;
    return mode(current) == DETACHED ? DELETED : value(current);
  }

  @Override
  public int addInt(int delta) {
    while (true) {
      long current = word;
      if (mode(current) != 0) {
        return update(v -> v + delta); // observed or deleted: the general path
      }
      int next = value(current) + delta;
      if (WORD.compareAndSet(this, current, with(current, next))) {
        written();
        return next;
      }
    }
  }

  @Override
  public long addLong(long delta) {
    throw notA("long");
  }

  @Override
  String primitiveName() {
    return "int";
  }

  // Lock-free unless observed; even then the function runs without the lock, which only publishes.
  @Override
  Object write(UnaryOperator<Integer> fn, boolean deliver) {
    while (true) {
      long current = word;
      long mode = mode(current);
      if (mode == DETACHED) {
        return DELETED;
      }
      int next = requireValue(fn.apply(value(current)));
      if (mode == OBSERVED) {
        if (commitObserved(current, next)) {
          if (deliver) {
            deliver();
          }
          return next;
        }
      } else if (WORD.compareAndSet(this, current, with(current, next))) {
        return next;
      }
    }
  }

  /**
   * Writes {@code next} over the observed word a write read and queues the change; false if the word
   * changed first. Observed words change only under this lock, so changes are queued in write order.
   */
  private synchronized boolean commitObserved(long read, int next) {
    if (!WORD.compareAndSet(this, read, with(read, next))) {
      return false;
    }
    offerChange(value(read), next);
    return true;
  }

  @Override
  boolean isDetached() {
    return mode(word) == DETACHED;
  }

  @Override
  void setObserved(boolean observed) {
    long mode = observed ? OBSERVED : 0;
    while (true) {
      long current = word;
      if (mode(current) == DETACHED || mode(current) == mode
          || WORD.compareAndSet(this, current, mode | (current & VALUE_BITS))) {
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
    } while (!WORD.compareAndSet(this, old, DETACHED | (old & VALUE_BITS)));
    if (mode(old) == OBSERVED) {
      offerDeletion(value(old));
    }
    return true;
  }

  @Override
  public String toString() {
    long current = word;
    return id() + "=" + (mode(current) == DETACHED ? "<deleted>" : String.valueOf(value(current)));
  }
}
