package dev.reactserver.state.remote.spi;

import dev.reactserver.state.runtime.StateChange;
import dev.reactserver.state.runtime.StateId;
import dev.reactserver.state.runtime.StateListener;
import dev.reactserver.state.runtime.StoreMetrics;
import dev.reactserver.state.runtime.Subscription;
import dev.reactserver.state.runtime.spi.StateCodec;
import java.lang.System.Logger.Level;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Tells this node's listeners of the changes the server publishes, whichever node wrote them. One
 * delivery thread per store tells every change in the order the server published it.
 */
final class ChangeDispatcher implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger("dev.reactserver.state");

  private final ConcurrentHashMap<StateId, CopyOnWriteArrayList<Listening>> byState = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, CopyOnWriteArrayList<Listening>> byScope = new ConcurrentHashMap<>();
  private final ExecutorService delivery;
  private final BiFunction<String, String, StateCodec<?>> scopeCodecs;
  private final Function<StateId, String> reader;
  private final StoreMetrics metrics;

  /**
   * @param scopeCodecs the codec for a declaration and type name, for scope listeners
   * @param reader reads a state's encoded value when a message omitted it
   * @param metrics told of listeners that throw
   */
  ChangeDispatcher(String name, BiFunction<String, String, StateCodec<?>> scopeCodecs,
      Function<StateId, String> reader, StoreMetrics metrics) {
    this.scopeCodecs = scopeCodecs;
    this.reader = reader;
    this.metrics = metrics;
    this.delivery = Executors.newSingleThreadExecutor(task -> {
      Thread thread = new Thread(task, "reactserver-state-changes-" + name);
      thread.setDaemon(true);
      return thread;
    });
  }

  /** Whether anyone on this node listens at all: stores may skip the channel otherwise. */
  boolean hasListeners() {
    return !byState.isEmpty() || !byScope.isEmpty();
  }

  Subscription subscribe(StateId id, StateCodec<?> codec, StateListener<?> listener) {
    return add(byState, id, new Listening(codec, listener));
  }

  Subscription subscribe(String scope, StateListener<?> listener) {
    return add(byScope, scope, new Listening(null, listener));
  }

  /** Takes one message from the channel; returns at once, the listeners are told on the delivery thread. */
  void receive(String message) {
    ChangeMessage change;
    try {
      change = ChangeMessage.parse(message);
    } catch (IllegalArgumentException e) {
      LOG.log(Level.WARNING, "ignoring a malformed change message", e);
      return;
    }
    if (hasListeners()) {
      delivery.execute(() -> deliver(change));
    }
  }

  private void deliver(ChangeMessage change) {
    if (change.scopeEnded()) {
      end(byScope.remove(change.scope()));
      return;
    }
    String oldValue = change.oldValue();
    String newValue = change.newValue();
    if (change.valuesOmitted() && !change.deleted()) {
      newValue = reader.apply(change.id());
    }
    CopyOnWriteArrayList<Listening> stateListeners = change.deleted()
        ? byState.remove(change.id()) : byState.get(change.id());
    if (stateListeners != null) {
      for (Listening listening : stateListeners) {
        tell(listening, listening.codec, change, oldValue, newValue);
      }
      if (change.deleted()) {
        end(stateListeners);
      }
    }
    CopyOnWriteArrayList<Listening> scopeListeners = byScope.get(change.scope());
    if (scopeListeners != null) {
      StateCodec<?> codec = scopeCodecs.apply(change.declaration(), change.type());
      for (Listening listening : scopeListeners) {
        tell(listening, codec, change, oldValue, newValue);
      }
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private void tell(Listening listening, StateCodec<?> codec, ChangeMessage change, String oldValue,
      String newValue) {
    if (!listening.active.get()) {
      return;
    }
    StateChange<Object> told;
    try {
      told = new StateChange<>(change.id(), decode(codec, oldValue),
          change.deleted() ? null : decode(codec, newValue), change.deleted());
    } catch (IllegalArgumentException e) {
      LOG.log(Level.WARNING, "cannot tell a listener of a change of state " + change.id()
          + ": its value does not decode as the listener's type", e);
      return;
    }
    try {
      ((StateListener) listening.listener).onChange(told);
    } catch (RuntimeException | Error e) {
      LOG.log(Level.WARNING, "a listener of state " + change.id() + " threw; other listeners are told", e);
      metrics.listenerFailed();
    }
  }

  private static Object decode(StateCodec<?> codec, String value) {
    return value == null ? null : codec.decode(value);
  }

  private static void end(CopyOnWriteArrayList<Listening> listeners) {
    if (listeners != null) {
      for (Listening listening : listeners) {
        listening.active.set(false);
      }
    }
  }

  private static <K> Subscription add(
      ConcurrentHashMap<K, CopyOnWriteArrayList<Listening>> listeners, K key, Listening listening) {
    listeners.compute(key, (k, list) -> {
      CopyOnWriteArrayList<Listening> result = list == null ? new CopyOnWriteArrayList<>() : list;
      result.add(listening);
      return result;
    });
    return new Subscription() {
      @Override
      public void close() {
        if (listening.active.compareAndSet(true, false)) {
          listeners.computeIfPresent(key, (k, list) -> {
            list.remove(listening);
            return list.isEmpty() ? null : list;
          });
        }
      }

      @Override
      public boolean isActive() {
        return listening.active.get();
      }
    };
  }

  @Override
  public void close() {
    delivery.shutdown();
    try {
      delivery.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static final class Listening {
    final StateCodec<?> codec;
    final StateListener<?> listener;
    final AtomicBoolean active = new AtomicBoolean(true);

    Listening(StateCodec<?> codec, StateListener<?> listener) {
      this.codec = codec;
      this.listener = listener;
    }
  }
}
