package dev.reactserver.state.dynamodb;

import static com.google.common.truth.Truth.assertThat;

import dev.reactserver.state.runtime.StateContext;
import dev.reactserver.state.runtime.StateRef;
import dev.reactserver.state.runtime.spi.StateDeclaration;
import dev.reactserver.state.runtime.spi.StateType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The store as an AWS Lambda function uses it, without AWS: a handler whose store is built once per
 * container (a static field, as the Lambda runtime keeps it between invocations), many invocations that
 * each bind, read and write, and between them nothing of the store's running: with {@code serverless()}
 * it has no thread, so a frozen container holds no work in flight.
 */
class ServerlessHandlerTest {

  private static final StateDeclaration<Integer> ITEMS =
      StateDeclaration.of("shop.Cart", "items", "items", "cart.$client", StateType.of(int.class));
  private static final StateDeclaration<Long> VISITS =
      StateDeclaration.of("shop.Cart", "visits", "visits", "shop", StateType.of(long.class));
  private static TestDynamo.Server server;

  @BeforeAll
  static void startServer() {
    server = new TestDynamo.Server(TestDynamo.Kind.DYNOXIDE);
  }

  @AfterAll
  static void stopServer() {
    CartHandler.container = null;
    server.close();
  }

  /** The function: one invocation per request, the store built by the first one of its container. */
  static final class CartHandler {
    static volatile DynamoDbStore container; // what the Lambda runtime keeps between invocations
    static String table;

    static DynamoDbStore store() {
      DynamoDbStore store = container;
      if (store == null) {
        synchronized (CartHandler.class) {
          store = container;
          if (store == null) { // Lambda gives region and credentials in the environment; here they are named
            store = DynamoDbStore.builder(table).endpoint(server.endpoint()).region(TestDynamo.REGION)
                .credentials(TestDynamo.CREDENTIALS).serverless().build();
            container = store;
          }
        }
      }
      return store;
    }

    /** Adds {@code event.add} items to the client's cart and counts the visit; returns what it sees. */
    Map<String, Object> handleRequest(Map<String, String> event) {
      StateContext ctx = StateContext.of(store()).withClient(event.get("client"));
      StateRef<Integer> items = ctx.bind(ITEMS, 0);
      StateRef<Long> visits = ctx.bind(VISITS, 0L);
      int now = items.update(n -> n + Integer.parseInt(event.get("add")));
      return Map.of("items", now, "visits", visits.update(v -> v + 1));
    }
  }

  @Test
  void aContainerServesManyInvocationsWithTheStoreItBuiltOnceAndNoThreadOfItsOwn() throws Exception {
    CartHandler.table = "lambda-" + UUID.randomUUID();
    Set<Thread> beforeContainer = Thread.getAllStackTraces().keySet();
    CartHandler handler = new CartHandler();

    Map<String, Object> first = handler.handleRequest(Map.of("client", "c1", "add", "2"));
    assertThat(first).containsExactly("items", 2, "visits", 1L);
    DynamoDbStore built = CartHandler.container;
    // The JDK's HTTP keep-alive timer may run (it ends by itself once the connection cache is idle); no
    // thread of the store or of the SDK (whose timers run on a thread pool of their own).
    Set<String> afterFirst = startedSince(beforeContainer);
    assertThat(afterFirst.stream().filter(name -> !name.equals("Keep-Alive-Timer")).toList()).isEmpty();

    List<Map<String, Object>> answers = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      answers.add(handler.handleRequest(Map.of("client", "c" + (i % 5), "add", "1")));
    }
    assertThat(CartHandler.container).isSameInstanceAs(built); // one store per container
    assertThat(answers.get(49)).containsExactly("items", 10, "visits", 51L); // c4's tenth item, the 51st visit
    assertThat(startedSince(beforeContainer).stream().filter(name -> !name.equals("Keep-Alive-Timer")).toList())
        .isEmpty(); // nothing accumulates
  }

  /** Live threads started after {@code before}, by name. */
  private static Set<String> startedSince(Set<Thread> before) {
    return Thread.getAllStackTraces().keySet().stream().filter(t -> !before.contains(t)).map(Thread::getName)
        .collect(Collectors.toSet());
  }
}
