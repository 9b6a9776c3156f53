package dev.reactserver.state.remote.spi;

import dev.reactserver.state.runtime.StateChange;
import dev.reactserver.state.runtime.StateId;
import dev.reactserver.state.runtime.StateListener;
import dev.reactserver.state.runtime.StoreMetrics;
import dev.reactserver.state.runtime.Subscription;
import dev.reactserver.state.runtime.spi.StateCodec;
import java.lang.System.Logger.Level;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Tells this node's listeners of the changes the server publishes, whichever node wrote them. One
 * delivery thread per store tells every change in the order the server published it.
 *
 * <p>For each state with listeners it remembers the encoded value it last told (read once when the
 * first listener subscribed), and for each scope with listeners the values of its states (listed once).
 * When the change channel comes back after an outage, {@link #resynchronize} reads every such state and
 * lists every such scope, and tells what moved meanwhile: one change per state from the value last told
 * to the current one, or a deletion. A message that then arrives for a write the catch-up already
 * covered (its new value is the one told, its old value one never told) is not told twice. All of that
 * bookkeeping lives on the delivery thread.
 */
final class ChangeDispatcher implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger("dev.reactserver.state");

  private final ConcurrentHashMap<StateId, CopyOnWriteArrayList<Listening>> byState = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, CopyOnWriteArrayList<Listening>> byScope = new ConcurrentHashMap<>();
  private final ExecutorService delivery;
  private final BiFunction<String, String, StateCodec<?>> scopeCodecs;
  private final Function<StateId, String> strictReader;
  private final Function<String, List<StoredState>> lister;
  private final StoreMetrics metrics;
  /** Per state with listeners, the encoded value last told (null: the state is gone); delivery thread only. */
  private final Map<StateId, Known> told = new HashMap<>();
  /** Per scope with listeners, its states as last told, by key; delivery thread only. */
  private final Map<String, Map<String, Entry>> scopeTold = new HashMap<>();

  /**
   * @param scopeCodecs the codec for a declaration and type name, for scope listeners
   * @param strictReader reads a state's encoded value, null if it does not exist, or throws
   * @param lister lists the states of a scope, or throws
   * @param metrics told of listeners that throw
   */
  ChangeDispatcher(String name, BiFunction<String, String, StateCodec<?>> scopeCodecs,
      Function<StateId, String> strictReader,
      Function<String, List<StoredState>> lister, StoreMetrics metrics) {
    this.scopeCodecs = scopeCodecs;
    this.strictReader = strictReader;
    this.lister = lister;
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
    Subscription subscription = add(byState, id, new Listening(codec, listener));
    try {
      delivery.execute(() -> rememberCurrent(id));
    } catch (RejectedExecutionException closed) {
      // the store is closing: no more changes to tell
    }
    return subscription;
  }

  /**
   * The change channel is back after an outage: tells each state with listeners whose value moved
   * meanwhile, before any message that arrives from here on.
   */
  void resynchronize() {
    try {
      delivery.execute(this::catchUp);
    } catch (RejectedExecutionException closed) {
      // the store is closing
    }
  }

  private void rememberCurrent(StateId id) {
    if (told.size() > 2 * byState.size() + 16) {
      told.keySet().retainAll(byState.keySet()); // states whose listeners all left
    }
    if (byState.containsKey(id) && !told.containsKey(id)) {
      try {
        told.put(id, new Known(strictReader.apply(id), false));
      } catch (RuntimeException unavailable) {
        // unknown until a change is told: a catch-up then tells the current value as a change
      }
    }
  }

  private void catchUp() {
    told.keySet().retainAll(byState.keySet());
    for (StateId id : List.copyOf(byState.keySet())) {
      Known known = told.get(id);
      String current;
      try {
        current = strictReader.apply(id);
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "cannot read state " + id + " to tell its listeners what they missed while"
            + " the change channel was down; they hear its next change", e);
        continue;
      }
      String before = known == null ? null : known.value();
      if (known != null && Objects.equals(before, current)) {
        continue;
      }
      if (current == null && known == null) {
        continue;
      }
      ChangeMessage missed = current == null
          ? ChangeMessage.deleted(id, before, "", "") : ChangeMessage.written(id, before, current, "", "");
      tellStateListeners(missed, before, current);
      if (current != null && told.containsKey(id)) {
        told.put(id, new Known(current, true));
      }
    }
    scopeTold.keySet().retainAll(byScope.keySet());
    for (String scope : List.copyOf(byScope.keySet())) {
      catchUpScope(scope);
    }
  }

  private void catchUpScope(String scope) {
    List<StoredState> current;
    try {
      current = lister.apply(scope);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "cannot list scope " + scope + " to tell its listeners what they missed while"
          + " the change channel was down; they hear its next change", e);
      return;
    }
    Map<String, Entry> known = scopeTold.getOrDefault(scope, Map.of());
    Map<String, Entry> now = new HashMap<>();
    for (StoredState state : current) {
      String key = state.id().key();
      Entry before = known.get(key);
      String old = before == null ? null : before.value();
      now.put(key, new Entry(state.value(), state.declaration(), state.type(), true));
      if (!Objects.equals(old, state.value())) {
        tellScopeListeners(new ChangeMessage(state.id(), scope, old, state.value(), false, false,
            state.declaration(), state.type()), old, state.value());
      }
    }
    for (Map.Entry<String, Entry> gone : known.entrySet()) {
      Entry before = gone.getValue();
      if (!now.containsKey(gone.getKey()) && before.value() != null) {
        now.put(gone.getKey(), new Entry(null, before.declaration(), before.type(), true));
        tellScopeListeners(new ChangeMessage(StateId.of(scope, gone.getKey()), scope, before.value(), null, true,
            false, before.declaration(), before.type()), before.value(), null);
      }
    }
    scopeTold.put(scope, now);
  }

  Subscription subscribe(String scope, StateListener<?> listener) {
    Subscription subscription = add(byScope, scope, new Listening(null, listener));
    try {
      delivery.execute(() -> rememberScope(scope));
    } catch (RejectedExecutionException closed) {
      // the store is closing
    }
    return subscription;
  }

  private void rememberScope(String scope) {
    if (scopeTold.size() > 2 * byScope.size() + 16) {
      scopeTold.keySet().retainAll(byScope.keySet());
    }
    if (byScope.containsKey(scope) && !scopeTold.containsKey(scope)) {
      try {
        Map<String, Entry> states = new HashMap<>();
        for (StoredState state : lister.apply(scope)) {
          states.put(state.id().key(), new Entry(state.value(), state.declaration(), state.type(), false));
        }
        scopeTold.put(scope, states);
      } catch (RuntimeException unavailable) {
        // unknown until a catch-up, which then tells every state of the scope
      }
    }
  }

  /** Takes one message from the channel; returns at once, the listeners are told on the delivery thread. */
  void receive(String message) {
    if (!hasListeners()) {
      return; // nothing to tell: not even worth parsing
    }
    List<ChangeMessage> changes;
    try {
      changes = ChangeMessage.parseAll(message);
    } catch (IllegalArgumentException e) {
      LOG.log(Level.WARNING, "ignoring a malformed change message", e);
      return;
    }
    delivery.execute(() -> changes.forEach(this::deliver));
  }

  /** Takes one change told as a value; returns at once, as {@link #receive(String)} does. */
  void receive(ChangeMessage change) {
    if (hasListeners()) {
      delivery.execute(() -> deliver(change));
    }
  }

  private void deliver(ChangeMessage change) {
    if (change.scopeEnded()) {
      end(byScope.remove(change.scope()));
      scopeTold.remove(change.scope());
      return;
    }
    String oldValue = change.oldValue();
    String newValue = change.newValue();
    if (!coveredByCatchUp(change, oldValue, newValue)) {
      tellStateListeners(change, oldValue, newValue);
    }
    Map<String, Entry> known = scopeTold.get(change.scope());
    boolean covered = false;
    if (known != null) {
      String key = change.id().key();
      Entry last = known.get(key);
      covered = last != null && last.caughtUp()
          && (change.deleted() ? last.value() == null
              : Objects.equals(newValue, last.value()) && !Objects.equals(oldValue, last.value()));
      if (change.deleted()) {
        known.remove(key);
      } else {
        known.put(key, new Entry(newValue, change.declaration(), change.type(), false));
      }
    }
    if (!covered) {
      tellScopeListeners(change, oldValue, newValue);
    }
  }

  private void tellScopeListeners(ChangeMessage change, String oldValue, String newValue) {
    CopyOnWriteArrayList<Listening> scopeListeners = byScope.get(change.scope());
    if (scopeListeners != null) {
      StateCodec<?> codec = scopeCodecs.apply(change.declaration(), change.type());
      for (Listening listening : scopeListeners) {
        tell(listening, codec, change, oldValue, newValue);
      }
    }
  }

  private void tellStateListeners(ChangeMessage change, String oldValue, String newValue) {
    CopyOnWriteArrayList<Listening> stateListeners = change.deleted()
        ? byState.remove(change.id()) : byState.get(change.id());
    if (stateListeners != null) {
      for (Listening listening : stateListeners) {
        tell(listening, listening.codec, change, oldValue, newValue);
      }
      if (change.deleted()) {
        end(stateListeners);
        told.remove(change.id());
      } else {
        told.put(change.id(), new Known(newValue, false));
      }
    } else {
      told.remove(change.id());
    }
  }

  /**
   * Whether the catch-up that was the last thing told of this state already told this write: one state's
   * messages form a chain (each one's old value is the previous one's new value), so a message that leads
   * from a value never told to the value the catch-up told describes a write that its read included.
   */
  private boolean coveredByCatchUp(ChangeMessage change, String oldValue, String newValue) {
    Known known = told.get(change.id());
    if (known == null || !known.caughtUp()) {
      return false;
    }
    String last = known.value();
    if (change.deleted()) {
      return last == null;
    }
    return Objects.equals(newValue, last) && !Objects.equals(oldValue, last);
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

  /** A value last told (null: the state is gone), and whether a catch-up told it. */
  private record Known(String value, boolean caughtUp) {}

  /** A state of a scope as last told (value null: deleted by a catch-up), for scope listeners. */
  private record Entry(String value, String declaration, String type, boolean caughtUp) {}

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
