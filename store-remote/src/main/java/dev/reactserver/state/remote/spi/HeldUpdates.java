package dev.reactserver.state.remote.spi;

import java.util.function.UnaryOperator;

/**
 * The thread's side of an update that holds its state on the server (see
 * {@link RemoteStore#updateExclusively}): while its function runs, the state is held against every
 * other writer, so a write the function attempts must not wait for another held state (two held states
 * could wait for each other). A store runs the function through {@link #apply} and calls
 * {@link #refuseWrite} before every write to its server.
 */
public final class HeldUpdates {

  /** Set while this thread runs the function of an update that holds its state on the server. */
  private static final ThreadLocal<Hold> HOLDING = new ThreadLocal<>();

  private HeldUpdates() {}

  /**
   * Runs {@code next}, the function of an update that holds its state, on the held value {@code current}
   * and returns the value to write; null if the function tried to write, which was refused (whatever
   * the function then did with the refusal). {@code resource} is what this thread's reads may use
   * meanwhile (see {@link #heldResource()}), e.g. the connection whose transaction holds the state.
   */
  public static String apply(UnaryOperator<String> next, String current, Object resource) {
    Hold hold = new Hold(resource);
    HOLDING.set(hold);
    try {
      String value = next.apply(current);
      return hold.writeRefused ? null : value;
    } catch (RuntimeException | Error e) {
      if (hold.writeRefused) {
        return null; // the function failed on the refused write: not a failure of its own
      }
      throw e;
    } finally {
      HOLDING.remove();
    }
  }

  /** The resource given to {@link #apply} if this thread runs a held update's function, else null. */
  public static Object heldResource() {
    Hold hold = HOLDING.get();
    return hold == null ? null : hold.resource;
  }

  /**
   * Throws if this thread runs the function of an update that holds its state: a write from there could
   * wait for a state whose holder waits for this one. Call it before every write to the server.
   *
   * @param what the write, for the message
   */
  public static void refuseWrite(String what) {
    Hold hold = HOLDING.get();
    if (hold != null) {
      hold.writeRefused = true;
      throw new WriteRefusedWhileHeld(what);
    }
  }

  /** Whether this thread runs the function of an update that holds its state. */
  static boolean isHolding() {
    return HOLDING.get() != null;
  }

  /** A held update's function running on this thread. */
  private static final class Hold {
    final Object resource;
    boolean writeRefused;

    Hold(Object resource) {
      this.resource = resource;
    }
  }

  /** Ends a write attempted by the function of an update that holds its state ({@link #refuseWrite}). */
  private static final class WriteRefusedWhileHeld extends RuntimeException {
    WriteRefusedWhileHeld(String what) {
      super("cannot " + what + " from the function of an update that holds its state; the update is"
          + " tried again without holding it", null, false, false);
    }
  }
}
