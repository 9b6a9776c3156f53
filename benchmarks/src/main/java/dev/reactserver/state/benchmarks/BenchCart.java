package dev.reactserver.state.benchmarks;

import dev.reactserver.state.State;
import dev.reactserver.state.Scopes;

/** A component with one state of each kind of scope: what a typical bind resolves. */
public class BenchCart {
  @State(scope = Scopes.CLIENT) int count;
  @State(scope = Scopes.USER) int points;
  @State int total;
  @State(key = "visits", scope = "shop") long visits;
}
