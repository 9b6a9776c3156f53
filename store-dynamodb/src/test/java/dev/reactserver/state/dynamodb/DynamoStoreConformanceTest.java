package dev.reactserver.state.dynamodb;

import dev.reactserver.state.runtime.Store;
import dev.reactserver.state.tck.StoreConformanceTest;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;

/** The suite every store must pass, on a real server of the subclass's kind (a table per store). */
abstract class DynamoStoreConformanceTest extends StoreConformanceTest {

  private static final AtomicInteger TABLES = new AtomicInteger();
  private static TestDynamo.Server server;

  static void start(TestDynamo.Kind kind) {
    server = new TestDynamo.Server(kind);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Override
  protected Store newStore() {
    return TestDynamo.storeBuilder(server, "conformance-" + TABLES.incrementAndGet()).build();
  }

  @Override
  protected int workloadRounds() {
    return 500; // every call is an HTTP round trip of milliseconds; the shared suite runs the full 2,500
  }

  @Override
  protected int contendedNestedUpdateRounds() {
    return 400; // each of a nested update's round trips takes milliseconds here: 2,000 would take minutes
  }

  @Override
  protected Duration workloadTimeout() {
    return Duration.ofMinutes(5);
  }

  @Override
  protected void dispose(Store store) {
    ((DynamoDbStore) store).close();
  }
}
