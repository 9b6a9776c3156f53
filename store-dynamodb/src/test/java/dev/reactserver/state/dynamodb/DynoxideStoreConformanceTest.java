package dev.reactserver.state.dynamodb;

import dev.reactserver.state.runtime.Store;
import dev.reactserver.state.tck.StoreConformanceTest;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The DynamoDB store passes the suite every store must pass, on dynoxide (listeners hear the table's stream). */
class DynoxideStoreConformanceTest extends StoreConformanceTest {

  private static final AtomicInteger TABLES = new AtomicInteger();
  private static TestDynamo.Server server;

  @BeforeAll
  static void startServer() {
    server = new TestDynamo.Server(TestDynamo.Kind.DYNOXIDE);
  }

  @AfterAll
  static void stopServer() {
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
  protected Duration workloadTimeout() {
    return Duration.ofMinutes(5); // every call is an HTTP round trip of a few milliseconds
  }

  @Override
  protected void dispose(Store store) {
    ((DynamoDbStore) store).close();
  }
}
