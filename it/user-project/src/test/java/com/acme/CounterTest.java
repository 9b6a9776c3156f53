package com.acme;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.reactserver.state.runtime.InMemoryStore;
import dev.reactserver.state.runtime.StateContext;
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
}
