package dev.reactserver.state.dynamodb;

import dev.reactserver.state.runtime.Store;
import dev.reactserver.state.tck.SharedStoreConformanceTest;
import dev.reactserver.state.tck.TcpProxy;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Several DynamoDB store instances (one table per namespace) on one real server of the subclass's kind,
 * with its data on disk so that it can be stopped and started again with it.
 */
abstract class DynamoSharedStoreTest extends SharedStoreConformanceTest {

  private static final AtomicLong REQUESTS = new AtomicLong();
  private static TestDynamo.Server server;
  private static DynamoDbClient client;

  static void start(TestDynamo.Kind kind) {
    server = new TestDynamo.Server(kind, true);
    client = TestDynamo.client(server, REQUESTS);
  }

  @AfterAll
  static void stop() {
    client.close();
    server.close();
  }

  @Override
  protected Store newStore(String namespace, Settings settings) {
    DynamoDbStore.Builder builder = DynamoDbStore.builder(namespace).client(client)
        .idleClientTimeout(settings.idleClientTimeout())
        .updateAttempts(settings.updateAttempts())
        .resetUndecodableStates(settings.resetUndecodable());
    return server.kind == TestDynamo.Kind.DYNALITE ? builder.changes(false).build()
        : builder.streamsClient(TestDynamo.streamsClient(server)).build();
  }

  @Override
  protected Store newStoreThrough(String namespace, TcpProxy proxy) {
    return TestDynamo.storeBuilder(server, namespace).endpoint(URI.create("http://127.0.0.1:" + proxy.port()))
        .build();
  }

  @Override
  protected InetSocketAddress serverAddress() {
    return new InetSocketAddress("127.0.0.1", server.port);
  }

  @Override
  protected boolean tellsOtherNodes() {
    return server.kind != TestDynamo.Kind.DYNALITE;
  }

  @Override
  protected boolean changeChannelKeepsMissedChanges() {
    return true; // the stream reader reads on from where it stood
  }

  @Override
  protected long maxRoundTripsOfAFirstBind() {
    // read all, link the owners, create each of 4, renew the new client (links, its scope, its state)
    return 1 + 1 + 4 + 4;
  }

  @Override
  protected void close(Store store) {
    ((DynamoDbStore) store).close();
  }

  @Override
  protected void stopServer() {
    server.stop();
  }

  @Override
  protected void startServer() {
    server.start();
  }

  @Override
  protected long roundTrips() {
    return REQUESTS.get();
  }
}
