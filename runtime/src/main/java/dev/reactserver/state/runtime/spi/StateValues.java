package dev.reactserver.state.runtime.spi;

import dev.reactserver.state.runtime.StateException;
import dev.reactserver.state.runtime.StateRef;
import java.util.Objects;
import java.util.function.DoubleUnaryOperator;
import java.util.function.IntUnaryOperator;
import java.util.function.LongUnaryOperator;
import java.util.function.UnaryOperator;

/**
 * What a state of a primitive or numeric type promises, in one place for the generated accessors, the
 * stores and the conformance suite: reading it never unboxes {@code null} silently (the exception names
 * the state), and arithmetic is atomic, through the store's {@link StateAdder} where it has one.
 */
public final class StateValues {

  private StateValues() {}

  /**
   * Returns the state's value.
   *
   * @throws StateException if the state holds {@code null} (it was set to null through another
   *     declaration of the same scope and key)
   */
  public static <T> T nonNull(StateRef<T> ref) {
    return requireValue(ref.get(), ref);
  }

  /**
   * Returns {@code ref}, the handle a generated accessor hands out.
   *
   * @throws StateException if {@code ref} is a {@code $user} state bound in a context without a user
   */
  public static <T> StateRef<T> requireBound(StateRef<T> ref) {
    ref.id(); // a handle bound without its user throws here, naming the state
    return ref;
  }

  /** Atomically applies {@code fn}, which must not return {@code null}, to a state of a primitive type. */
  public static <T> T update(StateRef<T> ref, UnaryOperator<T> fn) {
    Objects.requireNonNull(fn, "fn");
    return ref.update(value -> requireResult(fn.apply(requireValue(value, ref)), ref));
  }

  /** Atomically applies {@code fn} to an {@code int} state and returns the new value. */
  public static int updateInt(StateRef<Integer> ref, IntUnaryOperator fn) {
    Objects.requireNonNull(fn, "fn");
    return ref.update(value -> fn.applyAsInt(requireValue(value, ref)));
  }

  /** Atomically applies {@code fn} to a {@code long} state and returns the new value. */
  public static long updateLong(StateRef<Long> ref, LongUnaryOperator fn) {
    Objects.requireNonNull(fn, "fn");
    return ref.update(value -> fn.applyAsLong(requireValue(value, ref)));
  }

  /** Atomically applies {@code fn} to a {@code double} state and returns the new value. */
  public static double updateDouble(StateRef<Double> ref, DoubleUnaryOperator fn) {
    Objects.requireNonNull(fn, "fn");
    return ref.update(value -> fn.applyAsDouble(requireValue(value, ref)));
  }

  /** Atomically adds {@code delta} to an {@code int} state (overflow wraps) and returns the new value. */
  public static int addInt(StateRef<Integer> ref, int delta) {
    if (ref instanceof StateAdder adder) {
      return adder.addInt(delta);
    }
    return ref.update(value -> requireValue(value, ref) + delta);
  }

  /** Atomically adds {@code delta} to a {@code long} state (overflow wraps) and returns the new value. */
  public static long addLong(StateRef<Long> ref, long delta) {
    if (ref instanceof StateAdder adder) {
      return adder.addLong(delta);
    }
    return ref.update(value -> requireValue(value, ref) + delta);
  }

  /** Atomically adds {@code delta} to a {@code double} state and returns the new value. */
  public static double addDouble(StateRef<Double> ref, double delta) {
    if (ref instanceof StateAdder adder) {
      return adder.addDouble(delta);
    }
    return ref.update(value -> requireValue(value, ref) + delta);
  }

  /**
   * Returns {@code value}, read from {@code ref}.
   *
   * @throws StateException naming the state if {@code value} is {@code null}
   */
  public static <T> T requireValue(T value, StateRef<?> ref) {
    if (value == null) {
      throw new StateException("state " + ref.id() + " holds null, but it is declared with a"
          + " primitive or numeric type here: set a value before reading or adding to it");
    }
    return value;
  }

  private static <T> T requireResult(T value, StateRef<?> ref) {
    if (value == null) {
      throw new StateException("the update function returned null for state " + ref.id()
          + ", which has a primitive type");
    }
    return value;
  }
}
