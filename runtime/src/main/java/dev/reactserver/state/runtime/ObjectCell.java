package dev.reactserver.state.runtime;

import dev.reactserver.state.runtime.spi.StateDeclaration;
import dev.reactserver.state.runtime.spi.StateValues;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * A state of any type. The value slot holds the plain value, an {@link Observed} box while anyone
 * listens (so that a lock-free write can never slip past a new subscription), or {@link #DETACHED}
 * after deletion.
 */
final class ObjectCell<T> extends Cell<T> {
  /** What a cell's value slot holds besides plain values. */
  private abstract static class Marker {}

  /**
   * The value of a state someone listens to (the state's own listeners are kept here, so that states
   * nobody listens to pay nothing for them): writes to it take the cell's lock.
   */
  private static final class Observed extends Marker {
    final Object value;
    final Registration[] listeners;

    Observed(Object value, Registration[] listeners) {
      this.value = value;
      this.listeners = listeners;
    }
  }

  private static final class Detached extends Marker {}

  private static final Detached DETACHED = new Detached();
  private static final VarHandle VALUE;

  static {
    try {
      VALUE = MethodHandles.lookup().findVarHandle(ObjectCell.class, "value", Object.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  // With the four fields of Cell, five references and no more (32 bytes): stores hold millions.
  @SuppressWarnings("unused") // accessed through VALUE
  private volatile Object value;

  ObjectCell(Scope scope, String key, Object initial, Object value, StateDeclaration<?> declaration,
      boolean observed) {
    super(scope, key, initial, declaration);
    this.value = observed ? new Observed(value, Registration.NONE) : value;
  }

  @Override
  @SuppressWarnings("unchecked")
  public T get() {
    Object current = value;
    if (current instanceof Marker) {
      return current == DETACHED ? liveValue() : (T) ((Observed) current).value;
    }
    return (T) current;
  }

  @Override
  Object peek() {
    Object current = value;
    if (current instanceof Marker) {
      return current == DETACHED ? DELETED : ((Observed) current).value;
    }
    return current;
  }

  // The adders: one compare-and-set of a new box on the fast path; anything unusual (listeners,
  // deletion, null) takes update(), which names the state if it holds null.
  @Override
  @SuppressWarnings("unchecked")
  public int addInt(int delta) {
    while (true) {
      Object current = value;
      if (!(current instanceof Integer number)) {
        break;
      }
      int next = number + delta;
      if (VALUE.compareAndSet(this, current, (Integer) next)) {
        written();
        return next;
      }
    }
    return (Integer) update(v -> (T) (Integer) (StateValues.requireValue((Integer) v, this) + delta));
  }

  @Override
  @SuppressWarnings("unchecked")
  public long addLong(long delta) {
    while (true) {
      Object current = value;
      if (!(current instanceof Long number)) {
        break;
      }
      long next = number + delta;
      if (VALUE.compareAndSet(this, current, (Long) next)) {
        written();
        return next;
      }
    }
    return (Long) update(v -> (T) (Long) (StateValues.requireValue((Long) v, this) + delta));
  }

  @Override
  @SuppressWarnings("unchecked")
  public double addDouble(double delta) {
    while (true) {
      Object current = value;
      if (!(current instanceof Double number)) {
        break;
      }
      double next = number + delta;
      if (VALUE.compareAndSet(this, current, (Double) next)) {
        written();
        return next;
      }
    }
    return (Double) update(v -> (T) (Double) (StateValues.requireValue((Double) v, this) + delta));
  }

  @Override
  @SuppressWarnings("unchecked")
  void overwrite(Object newValue) {
    write(old -> (T) newValue, false);
  }

  // Lock-free unless observed; even then the function runs without the lock, which only publishes.
  @Override
  @SuppressWarnings("unchecked")
  Object write(UnaryOperator<T> fn, boolean deliver) {
    while (true) {
      Object current = value;
      if (current == DETACHED) {
        return DELETED;
      }
      if (current instanceof Observed observed) {
        T next = fn.apply((T) observed.value);
        if (commitObserved(observed, next)) {
          if (deliver) {
            deliver();
          }
          return next;
        }
      } else {
        T next = fn.apply((T) current);
        if (VALUE.compareAndSet(this, current, next)) {
          return next;
        }
      }
    }
  }

  /**
   * Replaces the observed box a write read with one holding {@code next} and queues the change; false if
   * anything (a write, a listener, a deletion) replaced the box first, and the write must look again.
   * Boxes change only under this lock, so changes are queued in write order.
   */
  private synchronized boolean commitObserved(Observed read, T next) {
    if (value != read) {
      return false;
    }
    VALUE.setVolatile(this, new Observed(next, read.listeners));
    StateId id = id();
    queue(id).offer(new StateChange<>(id, read.value, next, false),
        CopyOnWrite.concat(read.listeners, scope.listeners));
    return true;
  }

  @Override
  public Subscription subscribe(StateListener<? super T> listener) {
    Objects.requireNonNull(listener, "listener");
    synchronized (this) {
      if (value != DETACHED) {
        Registration registration = new Registration(listener, this::unsubscribe, scope.store.subscriptions);
        while (true) {
          Object current = value;
          Object observed = current instanceof Observed box
              ? new Observed(box.value, CopyOnWrite.append(box.listeners, registration))
              : new Observed(current, new Registration[] {registration});
          // Observed values change only under this lock; plain ones may change without it: retry.
          if (VALUE.compareAndSet(this, current, observed)) {
            return registration;
          }
        }
      }
    }
    return subscribeLive(listener);
  }

  private synchronized void unsubscribe(Registration registration) {
    if (value instanceof Observed box) {
      Registration[] rest = CopyOnWrite.remove(box.listeners, registration, Registration.NONE);
      VALUE.setVolatile(this, rest.length == 0 && scope.listeners.length == 0
          ? box.value : new Observed(box.value, rest));
    }
  }

  @Override
  synchronized void observe() {
    while (true) {
      Object current = value;
      if (current instanceof Marker
          || VALUE.compareAndSet(this, current, new Observed(current, Registration.NONE))) {
        return;
      }
    }
  }

  @Override
  synchronized void unobserveIfUnwatched() {
    if (value instanceof Observed box && box.listeners.length == 0 && scope.listeners.length == 0) {
      VALUE.setVolatile(this, box.value); // writes of boxes hold this lock: no race
    }
  }

  @Override
  synchronized boolean detach() {
    Object old = VALUE.getAndSet(this, DETACHED);
    if (old == DETACHED) {
      return false;
    }
    if (old instanceof Observed observed) {
      StateId id = id();
      queue(id).offer(new StateChange<>(id, observed.value, null, true),
          CopyOnWrite.concat(observed.listeners, scope.listeners));
      for (Registration registration : observed.listeners) {
        registration.retire();
      }
    }
    return true;
  }

  @Override
  public String toString() {
    Object current = value;
    return id() + "=" + (current == DETACHED ? "<deleted>"
        : current instanceof Observed observed ? observed.value : current);
  }
}
