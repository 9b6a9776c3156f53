package dev.reactserver.state.runtime;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.reactserver.state.runtime.spi.StateDeclaration;
import dev.reactserver.state.runtime.spi.StateType;
import dev.reactserver.state.runtime.spi.StateValues;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** States declared {@code int}, which the in-memory store keeps in a primitive word. */
class IntStateTest {

  private static final StateDeclaration<Integer> COUNT =
      StateDeclaration.of("shop.Counter", "count", "count", "shop", StateType.of(int.class));
  private static final StateDeclaration<Integer> BOXED_COUNT =
      StateDeclaration.of("shop.Board", "count", "count", "shop", StateType.of(Integer.class));

  private final InMemoryStore store = new InMemoryStore();
  private final StateContext ctx = StateContext.of(store);

  @Test
  void readsWritesAndAddsLikeAnyState() {
    StateRef<Integer> count = ctx.bind(COUNT, 5);

    count.set(7);
    assertThat(count.update(v -> v * 2)).isEqualTo(14);
    assertThat(StateValues.addInt(count, -20)).isEqualTo(-6);
    assertThat(StateValues.addInt(count, Integer.MIN_VALUE)).isEqualTo(-6 + Integer.MIN_VALUE); // wraps
    count.set(Integer.MAX_VALUE);
    assertThat(StateValues.addInt(count, 1)).isEqualTo(Integer.MIN_VALUE);
    assertThat(ctx.bind(BOXED_COUNT, 0).get()).isEqualTo(Integer.MIN_VALUE);
    assertThat(count.toString()).isEqualTo("shop:count=" + Integer.MIN_VALUE);
  }

  @Test
  void cannotHoldNullAndSaysWhich() {
    StateRef<Integer> count = ctx.bind(COUNT, 5);
    StateRef<Integer> boxed = ctx.bind(BOXED_COUNT, 0);

    StateException set = assertThrows(StateException.class, () -> boxed.set(null));
    StateException update = assertThrows(StateException.class, () -> count.update(v -> null));

    assertThat(set).hasMessageThat().isEqualTo("state shop:count is declared int and cannot hold null");
    assertThat(update).hasMessageThat().isEqualTo("state shop:count is declared int and cannot hold null");
    assertThat(count.get()).isEqualTo(5);
  }

  @Test
  void listenersHearEveryWriteIncludingAddsAndTheDeletion() {
    StateRef<Integer> count = ctx.bind(COUNT, 0);
    List<StateChange<Integer>> changes = new ArrayList<>();
    Subscription subscription = count.subscribe(changes::add);

    StateValues.addInt(count, 2);
    count.set(5);
    store.createState(9, count.id());
    subscription.close();
    StateValues.addInt(count, 1); // unobserved again: the lock-free path
    Subscription again = count.subscribe(changes::add);
    store.deleteState(count.id());

    assertThat(changes).containsExactly(
        new StateChange<>(count.id(), 0, 2, false),
        new StateChange<>(count.id(), 2, 5, false),
        new StateChange<>(count.id(), 5, 9, false),
        new StateChange<>(count.id(), 10, null, true)).inOrder();
    assertThat(again.isActive()).isFalse();
  }

  @Test
  void scopeListenersObserveIntStatesToo() {
    StateRef<Integer> count = ctx.bind(COUNT, 0);
    List<StateChange<Object>> changes = new ArrayList<>();
    Subscription subscription = store.subscribe("shop", changes::add);

    StateValues.addInt(count, 3);
    subscription.close();
    StateValues.addInt(count, 3);

    assertThat(changes).containsExactly(new StateChange<>(count.id(), 0, 3, false));
    assertThat(count.get()).isEqualTo(6);
  }

  @Test
  void deletedHandleStartsAgainFromTheInitialValue() {
    StateRef<Integer> count = ctx.bind(COUNT, 4);
    StateValues.addInt(count, 10);

    store.deleteScope("shop");

    assertThat(count.get()).isEqualTo(4);
    assertThat(StateValues.addInt(count, 1)).isEqualTo(5);
    assertThat(ctx.bind(COUNT, 0).get()).isEqualTo(5);
  }
}
