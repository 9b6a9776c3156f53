package dev.reactserver.state.redis;

import dev.reactserver.state.runtime.Store;
import dev.reactserver.state.tck.StoreConformanceTest;

/** The Redis store passes the suite every store must pass, on a real Redis. */
class RedisStoreConformanceTest extends StoreConformanceTest {

  @Override
  protected Store newStore() {
    return TestRedis.storeBuilder().build();
  }

  @Override
  protected void dispose(Store store) {
    ((RedisStore) store).close();
  }
}
