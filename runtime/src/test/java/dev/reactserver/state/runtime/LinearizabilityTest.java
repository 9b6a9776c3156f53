package dev.reactserver.state.runtime;

import dev.reactserver.state.runtime.spi.StateDeclaration;
import dev.reactserver.state.runtime.spi.StateType;
import dev.reactserver.state.runtime.spi.StateValues;
import java.util.List;
import java.util.function.Supplier;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.Test;

/**
 * Lincheck explores concurrent runs of these operations and checks that every outcome is one that some
 * sequential order of the same operations would give: the in-memory store is linearizable. Each
 * operation is one call of the API. Handles to both states are bound up front, as generated accessors
 * hold them; one scope of three keys keeps collisions (and handles whose state was deleted) frequent. One
 * state is a declared {@code int} (the store keeps it in a primitive word), one an undeclared {@code Long},
 * and one a declared {@code long} whose values stay around the largest one its word holds, so that it
 * keeps entering and leaving the mode where it holds the value in a field of its own. Listeners come and
 * go on the states and on their scope, so that writes keep switching between the lock-free path and the
 * path that queues changes for listeners.
 */
@Param(name = "key", gen = IntGen.class, conf = "0:2")
@Param(name = "value", gen = IntGen.class, conf = "1:3")
public class LinearizabilityTest {

  private static final String SCOPE = "shop";
  private static final List<StateId> IDS =
      List.of(StateId.of(SCOPE, "a"), StateId.of(SCOPE, "b"), StateId.of(SCOPE, "c"));
  /** The largest value a {@code long} state keeps in its word. */
  private static final long EDGE = (1L << 61) - 1;
  /** State "a" is a declared int (a primitive cell); "b" an undeclared Long (a general cell). */
  private static final StateDeclaration<Integer> A =
      StateDeclaration.of("lincheck.Counter", "a", "a", SCOPE, StateType.of(int.class));
  private static final StateDeclaration<Long> C =
      StateDeclaration.of("lincheck.Counter", "c", "c", SCOPE, StateType.of(long.class));

  private final InMemoryStore store =
      new InMemoryStore(StoreOptions.builder().noIdleClientTimeout().build());
  private final StateRef<Integer> a = store.getState(0, IDS.get(0), A);
  private final StateRef<Long> b = store.getState(0L, IDS.get(1));
  private final StateRef<Long> c = store.getState(EDGE, IDS.get(2), C);
  /** The listener subscribed to each state, and last to the scope; null where none is. */
  private final Subscription[] listeners = new Subscription[IDS.size() + 1];
  private final Object[] slotLocks = {new Object(), new Object(), new Object(), new Object()};

  @Operation
  public long get(@Param(name = "key") int key) {
    return key == 0 ? a.get() : key == 1 ? b.get() : c.get();
  }

  @Operation
  public void set(@Param(name = "key") int key, @Param(name = "value") int value) {
    if (key == 0) {
      a.set(value);
    } else if (key == 1) {
      b.set((long) value);
    } else {
      c.set(EDGE - 2 + value);
    }
  }

  /** Not commutative, so that a lost or reordered update shows; "c" doubles its distance to the edge. */
  @Operation
  public long update(@Param(name = "key") int key) {
    return key == 0 ? a.update(v -> v * 3 + 1)
        : key == 1 ? b.update(v -> v * 3 + 1) : c.update(v -> EDGE + 2 * (v - EDGE));
  }

  @Operation
  public long increment(@Param(name = "key") int key) {
    return key == 0 ? StateValues.addInt(a, 1) : StateValues.addLong(key == 1 ? b : c, 1);
  }

  @Operation
  public void bind(@Param(name = "key") int key) {
    if (key == 0) {
      store.getState(0, IDS.get(0), A);
    } else if (key == 1) {
      store.getState(0L, IDS.get(1));
    } else {
      store.getState(EDGE, IDS.get(2), C);
    }
  }

  @Operation
  public void create(@Param(name = "key") int key, @Param(name = "value") int value) {
    if (key == 0) {
      store.createState(value, IDS.get(0));
    } else if (key == 1) {
      store.createState((long) value, IDS.get(1));
    } else {
      store.createState(EDGE - 2 + value, IDS.get(2));
    }
  }

  @Operation
  public boolean has(@Param(name = "key") int key) {
    return store.hasState(IDS.get(key));
  }

  @Operation
  public boolean delete(@Param(name = "key") int key) {
    return store.deleteState(IDS.get(key));
  }

  /**
   * Subscribes a listener to a state, or closes the one subscribed: states keep switching between
   * observed (writes queue changes) and unobserved (writes are a plain compare-and-set).
   */
  @Operation
  public void listen(@Param(name = "key") int key) {
    toggleListener(key, () -> key == 0 ? a.subscribe(change -> {})
        : key == 1 ? b.subscribe(change -> {}) : c.subscribe(change -> {}));
  }

  /** Subscribes a listener to the scope, or closes the one subscribed: it observes every state in it. */
  @Operation
  public void listenToScope() {
    toggleListener(IDS.size(), () -> store.subscribe(SCOPE, change -> {}));
  }

  /**
   * One step, as the sequential run sees it: two threads toggling one slot at once must not both
   * subscribe (a subscription through a handle whose state was deleted creates the state again, which
   * the sequential run, where the second toggle closes the first one's subscription, never does).
   */
  private void toggleListener(int slot, Supplier<Subscription> subscribe) {
    synchronized (slotLocks[slot]) {
      Subscription current = listeners[slot];
      listeners[slot] = current == null ? subscribe.get() : null;
      if (current != null) {
        current.close();
      }
    }
  }

  @Operation
  public int deleteScope() {
    return store.deleteScope(SCOPE);
  }

  @Test
  void modelChecking() {
    new ModelCheckingOptions()
        .iterations(30)
        .invocationsPerIteration(200)
        .threads(2)
        .actorsPerThread(3)
        .check(LinearizabilityTest.class);
  }

  @Test
  void stress() {
    new StressOptions()
        .iterations(30)
        .invocationsPerIteration(1_000)
        .threads(3)
        .actorsPerThread(3)
        .check(LinearizabilityTest.class);
  }
}
