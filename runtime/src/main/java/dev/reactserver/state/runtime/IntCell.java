package dev.reactserver.state.runtime;

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

  IntCell(Scope scope, String key, int initial, StateDeclaration<?> declaration, boolean observed) {
    super(scope, key, initial, declaration);
    this.word = (initial & VALUE_BITS) | (observed ? OBSERVED : 0);
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
    return mode(current) == DETACHED ? onLiveState(cell -> cell.get()) : value(current);
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

  @Override
  Object write(UnaryOperator<Integer> fn, boolean deliver) {
    while (true) {
      long current = word;
      long mode = mode(current);
      if (mode == DETACHED) {
        return DELETED;
      }
      if (mode == OBSERVED) {
        Object next = writeObserved(fn);
        if (next != DELETED) {
          if (deliver) {
            deliver();
          }
          return next;
        }
        continue; // no longer observed, or deleted: look again
      }
      int next = requireValue(fn.apply(value(current)));
      if (WORD.compareAndSet(this, current, with(current, next))) {
        return next;
      }
    }
  }

  /** Writes an observed value under the lock and queues the change; DELETED if no longer observed. */
  private synchronized Object writeObserved(UnaryOperator<Integer> fn) {
    while (true) {
      long current = word;
      if (mode(current) != OBSERVED) {
        return DELETED;
      }
      int old = value(current);
      int next = requireValue(fn.apply(old));
      if (WORD.compareAndSet(this, current, with(current, next))) {
        offerChange(old, next);
        return next;
      }
    }
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
