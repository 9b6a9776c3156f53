package com.acme;

import dev.reactserver.state.Scopes;
import dev.reactserver.state.State;

public class Counter {
  @State(scope = Scopes.CLIENT) int count = 10;
  @State(key = "total", scope = "lobby") long total;
}
