package dev.reactserver.state.remote.spi;

import dev.reactserver.state.runtime.Store;
import dev.reactserver.state.tck.StoreConformanceTest;

/** The store base keeps every promise of a store on a server that is a map in this JVM. */
class FakeRemoteStoreConformanceTest extends StoreConformanceTest {

  @Override
  protected Store newStore() {
    return FakeRemoteStore.builder().build();
  }

  @Override
  protected void dispose(Store store) {
    ((FakeRemoteStore) store).close();
  }
}
