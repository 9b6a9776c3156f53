package dev.reactserver.state.benchmarks;

import dev.reactserver.state.runtime.InMemoryStore;
import dev.reactserver.state.runtime.StateContext;

/**
 * The heap a store keeps per state: 10⁶ client-scoped states (250,000 clients with four each), measured
 * as used heap after full GCs before and after. Values are small {@code Integer}s from the JDK's cache,
 * so value size is excluded; everything else (ids, scopes, indexes) counts.
 */
final class MemoryFootprint {

  static final int CLIENTS = 250_000;
  static final int STATES = 4 * CLIENTS;

  private MemoryFootprint() {}

  /** Bytes of heap per state. */
  static double bytesPerState() {
    BenchSession component = new BenchSession();
    long before = usedHeapAfterGc();
    InMemoryStore store = new InMemoryStore();
    StateContext server = StateContext.of(store);
    for (int i = 0; i < CLIENTS; i++) {
      BenchSessionStates.bind(server.withClient("client-" + i), component);
    }
    long after = usedHeapAfterGc();
    if (store.size() != STATES) {
      throw new IllegalStateException("expected " + STATES + " states, found " + store.size());
    }
    return (double) (after - before) / STATES;
  }

  private static long usedHeapAfterGc() {
    Runtime runtime = Runtime.getRuntime();
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 6; i++) {
      System.gc();
      used = Math.min(used, runtime.totalMemory() - runtime.freeMemory());
    }
    return used;
  }
}
