package com.acme;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.reactserver.state.runtime.InMemoryStore;
import dev.reactserver.state.runtime.StateChange;
import dev.reactserver.state.runtime.StateContext;
import dev.reactserver.state.runtime.Subscription;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CounterTest {

  @Test
  void generatedAccessorsWorkInAProjectOutsideTheReactor() {
    StateContext ctx = StateContext.of(new InMemoryStore());
    CounterStates a = CounterStates.bind(ctx.withClient("a"), new Counter());
    CounterStates b = CounterStates.bind(ctx.withClient("b"), new Counter());
    assertEquals(11, a.incrementCount(1));
    assertEquals(10, b.getCount());
    a.incrementTotal(2);
    assertEquals(5, b.incrementTotal(3));
  }

  @Test
  void listenersAndClientLifecycleWorkInAProjectOutsideTheReactor() {
    InMemoryStore store = new InMemoryStore();
    StateContext ctx = StateContext.of(store);
    CounterStates a = CounterStates.bind(ctx.withClient("a"), new Counter());
    List<StateChange<Integer>> changes = new ArrayList<>();
    Subscription subscription = a.onCountChange(changes::add);

    a.incrementCount(5);
    assertEquals(1, store.endClient("a"));

    assertEquals(List.of(new StateChange<>(a.countState().id(), 10, 15, false),
        new StateChange<>(a.countState().id(), 15, null, true)), changes);
    assertFalse(subscription.isActive());
    assertEquals(10, a.getCount()); // the handle starts again from the initial value
  }
}
