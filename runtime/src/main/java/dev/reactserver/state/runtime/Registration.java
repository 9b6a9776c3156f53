package dev.reactserver.state.runtime;

import java.lang.System.Logger.Level;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/** One subscribed listener, as the store keeps it; the {@link Subscription} handed to the caller. */
final class Registration implements Subscription {

  private static final System.Logger LOG = System.getLogger("dev.reactserver.state");
  static final Registration[] NONE = new Registration[0];
  private static final VarHandle ACTIVE;

  static {
    try {
      ACTIVE = MethodHandles.lookup().findVarHandle(Registration.class, "active", boolean.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private volatile StateListener<Object> listener;
  @SuppressWarnings("unused") // through ACTIVE
  private volatile boolean active = true;
  private final Consumer<Registration> unsubscribe;
  private final LongAdder activeCount;

  /** A registration counted in {@code activeCount} while it is active. */
  @SuppressWarnings("unchecked") // a listener of a supertype accepts the changes of a subtype
  Registration(StateListener<?> listener, Consumer<Registration> unsubscribe, LongAdder activeCount) {
    this.listener = (StateListener<Object>) listener;
    this.unsubscribe = unsubscribe;
    this.activeCount = activeCount;
    activeCount.increment();
  }

  /**
   * Tells the listener, unless closed; a listener that throws is logged, never rethrown. Returns false
   * if it threw.
   */
  @SuppressWarnings("unchecked")
  boolean tell(StateChange<?> change) {
    StateListener<Object> current = listener;
    if (current == null) {
      return true;
    }
    try {
      current.onChange((StateChange<Object>) change);
      return true;
    } catch (RuntimeException | LinkageError | AssertionError e) {
      LOG.log(Level.WARNING, "a listener of state " + change.id() + " threw; the write stands and"
          + " the other listeners are told", e);
      return false;
    }
  }

  /** The state or scope was deleted: the store forgets this registration after its last change. */
  void retire() {
    if (ACTIVE.compareAndSet(this, true, false)) {
      activeCount.decrement();
    }
  }

  @Override
  public boolean isActive() {
    return (boolean) ACTIVE.getVolatile(this);
  }

  @Override
  public void close() {
    listener = null;
    if (ACTIVE.compareAndSet(this, true, false)) {
      activeCount.decrement();
      unsubscribe.accept(this);
    }
  }
}
