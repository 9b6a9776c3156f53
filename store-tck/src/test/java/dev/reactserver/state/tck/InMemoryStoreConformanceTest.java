package dev.reactserver.state.tck;

import dev.reactserver.state.runtime.InMemoryStore;
import dev.reactserver.state.runtime.Store;

/** The embedded default store passes the conformance suite. */
class InMemoryStoreConformanceTest extends StoreConformanceTest {

  @Override
  protected Store newStore() {
    return new InMemoryStore();
  }

  @Override
  protected int nestedUpdateRounds() {
    return 200_000;
  }
}
