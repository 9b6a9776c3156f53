package dev.reactserver.state.runtime;

import static com.google.common.truth.Truth.assertThat;

import dev.reactserver.state.runtime.spi.StateDeclaration;
import dev.reactserver.state.runtime.spi.StateType;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class InMemoryStoreTest {

  private final InMemoryStore store = new InMemoryStore();
  private final StateId items = StateId.of("$client(c)", "items");

  @Test
  void getStateCreatesWithTheInitialValueOnlyOnce() {
    StateRef<Integer> first = store.getState(1, items);
    first.set(5);
    StateRef<Integer> second = store.getState(99, items);
    assertThat(second.get()).isEqualTo(5);
    assertThat(second.id()).isEqualTo(items);
  }

  @Test
  void createStateOverwritesAndExistingHandlesSeeIt() {
    StateRef<Integer> handle = store.getState(1, items);
    store.createState(7, items);
    assertThat(handle.get()).isEqualTo(7);
    assertThat(store.createState(8, StateId.of("new", "k")).get()).isEqualTo(8);
  }

  @Test
  void referenceStatesMayHoldNull() {
    StateRef<String> note = store.getState(null, StateId.of("s", "note"));
    assertThat(note.get()).isNull();
    note.set("x");
    note.set(null);
    assertThat(note.get()).isNull();
    assertThat(note.update(v -> v == null ? "was null" : v)).isEqualTo("was null");
  }

  @Test
  void updateReturnsTheNewValue() {
    StateRef<List<String>> list = store.getState(List.of(), StateId.of("s", "list"));
    assertThat(list.update(l -> List.of("a"))).containsExactly("a");
    assertThat(list.get()).containsExactly("a");
  }

  @Test
  void hasAndDeleteState() {
    assertThat(store.hasState(items)).isFalse();
    assertThat(store.deleteState(items)).isFalse();
    store.getState(1, items);
    assertThat(store.hasState(items)).isTrue();
    assertThat(store.deleteState(items)).isTrue();
    assertThat(store.hasState(items)).isFalse();
    assertThat(store.states()).isEmpty();
  }

  @Test
  void aHandleOnADeletedStateRecreatesItFromItsInitialValue() {
    StateRef<Integer> handle = store.getState(1, items);
    handle.set(5);
    store.deleteState(items);
    assertThat(handle.get()).isEqualTo(1);
    handle.set(6);
    assertThat(store.getState(0, items).get()).isEqualTo(6);
    store.deleteScope(items.scope());
    assertThat(handle.update(v -> v + 10)).isEqualTo(11);
    assertThat(store.hasState(items)).isTrue();
  }

  @Test
  void statesListsEveryState() {
    store.getState(1, StateId.of("s", "b"));
    store.getState(2, StateId.of("t", "a"));
    assertThat(store.states().keySet()).containsExactly(StateId.of("s", "b"), StateId.of("t", "a")).inOrder();
  }

  @Test
  void deleteScopeRemovesEveryStateOfTheScopeAndCountsThem() {
    store.getState(1, StateId.of("$client(c)", "a"));
    store.getState(2, StateId.of("$client(c)", "b"));
    store.getState(3, StateId.of("$client(d)", "a"));
    assertThat(store.deleteScope("$client(c)")).isEqualTo(2);
    assertThat(store.deleteScope("$client(c)")).isEqualTo(0);
    assertThat(store.states().keySet()).containsExactly(StateId.of("$client(d)", "a"));
  }

  /**
   * A bind that finds a state just as it is deleted checks the declaration against a deleted cell; that
   * check must not read the value through the cell, which would bring the deleted state back with its
   * old value (found by LinearizabilityTest: bind racing with deleteScope).
   */
  @Test
  void checkingADeclarationAgainstADeletedStateDoesNotBringItBack() {
    StateDeclaration<Integer> declared =
        StateDeclaration.of("shop.Cart", "items", "items", "$client", StateType.of(int.class));
    Cell<?> found = (Cell<?>) store.createState(7, items); // undeclared: the check reads the value
    store.deleteScope("$client(c)");

    assertThat(found.checkDeclaration(declared)).isFalse();
    assertThat(store.hasState(items)).isFalse();
    assertThat(store.getState(1, items, declared).get()).isEqualTo(1);
  }

  @Test
  void anUpdateThroughADeletedHandleThatLosesItsStateAgainStartsFromTheHandlesOwnInitialValue() {
    StateId id = StateId.of("shop", "b");
    StateRef<Long> handle = store.getState(0L, id);
    store.deleteState(id);
    store.createState(1L, id); // another handle's state, created with another initial value
    AtomicInteger calls = new AtomicInteger();

    // The function's second run (on the state createState made) deletes that state too, as a
    // concurrent deleteScope would: the update then recreates the state from this handle's initial 0.
    long result = handle.update(v -> {
      if (calls.incrementAndGet() == 2) {
        store.deleteScope("shop");
      }
      return v * 3 + 1;
    });

    assertThat(result).isEqualTo(1L);
    assertThat(handle.get()).isEqualTo(1L);
    assertThat(calls.get()).isEqualTo(3);
  }
}
