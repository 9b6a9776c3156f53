package dev.reactserver.state.remote.spi;

import dev.reactserver.state.runtime.StateId;
import dev.reactserver.state.runtime.StateListener;
import dev.reactserver.state.runtime.StateRef;
import dev.reactserver.state.runtime.Subscription;
import dev.reactserver.state.runtime.spi.StateAdder;
import dev.reactserver.state.runtime.spi.StateCodec;
import dev.reactserver.state.runtime.spi.StateDeclaration;
import dev.reactserver.state.runtime.spi.StateValues;
import java.util.function.UnaryOperator;

/** A handle on a state held by a server: every call is a round trip, so every node sees the same value. */
final class RemoteStateRef<T> implements StateRef<T>, StateAdder {

  final RemoteStore store;
  final StateSeed seed;
  /** Null for a state bound without a declaration. */
  final StateDeclaration<T> declaration;
  final StateCodec<T> codec;
  final T initial;

  RemoteStateRef(RemoteStore store, StateSeed seed, StateDeclaration<T> declaration, StateCodec<T> codec,
      T initial) {
    this.store = store;
    this.seed = seed;
    this.declaration = declaration;
    this.codec = codec;
    this.initial = initial;
  }

  @Override
  public StateId id() {
    return seed.id();
  }

  @Override
  public T get() {
    return store.handleGet(this);
  }

  @Override
  public void set(T value) {
    store.handleSet(this, value);
  }

  @Override
  public T update(UnaryOperator<T> fn) {
    return store.handleUpdate(this, fn);
  }

  @Override
  public Subscription subscribe(StateListener<? super T> listener) {
    return store.handleSubscribe(this, listener);
  }

  // A server adds in one round trip; when it cannot (the sum overflows, the value is null) the update
  // below decides in Java: it wraps like the in-memory store, or names the state that holds null.

  @Override
  @SuppressWarnings("unchecked")
  public int addInt(int delta) {
    String sum = store.handleAdd(this, NumberKind.INT, Integer.toString(delta));
    return sum != null ? Integer.parseInt(sum) : StateValues.updateInt((StateRef<Integer>) this, v -> v + delta);
  }

  @Override
  @SuppressWarnings("unchecked")
  public long addLong(long delta) {
    String sum = store.handleAdd(this, NumberKind.LONG, Long.toString(delta));
    return sum != null ? Long.parseLong(sum) : StateValues.updateLong((StateRef<Long>) this, v -> v + delta);
  }

  @Override
  @SuppressWarnings("unchecked")
  public double addDouble(double delta) {
    String sum = store.handleAdd(this, NumberKind.DOUBLE, Double.toString(delta));
    return sum != null
        ? Double.parseDouble(sum) : StateValues.updateDouble((StateRef<Double>) this, v -> v + delta);
  }

  @Override
  public String toString() {
    return "StateRef[" + seed.id() + "]";
  }
}
