package dev.reactserver.state.postgres;

import dev.reactserver.state.runtime.Store;
import dev.reactserver.state.tck.StoreConformanceTest;

/** The PostgreSQL store passes the suite every store must pass, on a real PostgreSQL. */
class PostgresStoreConformanceTest extends StoreConformanceTest {

  @Override
  protected Store newStore() {
    return PostgresStore.builder(TestPostgres.pool()).schema(TestPostgres.freshSchema()).build();
  }

  @Override
  protected void dispose(Store store) {
    ((PostgresStore) store).close();
  }
}
