package dev.reactserver.state.benchmarks;

import dev.reactserver.state.State;
import dev.reactserver.state.Scopes;

/** Four client-scoped states: the shape of the store-size and memory measurements. */
public class BenchSession {
  @State(scope = Scopes.CLIENT) int page;
  @State(scope = Scopes.CLIENT) int tab;
  @State(scope = Scopes.CLIENT) int unread;
  @State(scope = Scopes.CLIENT) int zoom;
}
