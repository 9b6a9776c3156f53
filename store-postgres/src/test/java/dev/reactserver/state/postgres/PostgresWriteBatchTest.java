package dev.reactserver.state.postgres;

import static com.google.common.truth.Truth.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reactserver.state.runtime.StateContext;
import dev.reactserver.state.runtime.StateRef;
import dev.reactserver.state.runtime.spi.StateDeclaration;
import dev.reactserver.state.runtime.spi.StateType;
import dev.reactserver.state.runtime.spi.StateValues;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/** Writes of many threads share transactions and notifications, and none waits for another's row. */
@Timeout(120)
class PostgresWriteBatchTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final StateDeclaration<Integer> ITEMS =
      StateDeclaration.of("shop.Cart", "items", "items", "cart.$client", StateType.of(int.class));

  @Test
  void writesOfSixteenThreadsShareNotificationsAndEveryChangeIsToldInOrder() throws Exception {
    String schema = TestPostgres.freshSchema();
    int threads = 16;
    int writesEach = 100;
    try (PostgresStore store = PostgresStore.builder(TestPostgres.pool()).schema(schema).build();
        Connection listening = TestPostgres.pool().getConnection()) {
      try (Statement statement = listening.createStatement()) {
        statement.execute("LISTEN \"" + schema + "_changes\"");
      }
      List<StateRef<Integer>> items = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        items.add(StateContext.of(store).withClient("c" + t).bind(ITEMS, 0));
      }
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      try {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (StateRef<Integer> item : items) {
          done.add(pool.submit(() -> {
            start.await();
            for (int i = 1; i <= writesEach; i++) {
              item.set(i);
            }
            return null;
          }));
        }
        start.countDown();
        for (Future<?> future : done) {
          future.get();
        }
      } finally {
        pool.shutdownNow();
      }

      Map<String, List<JsonNode>> changesByScope = new HashMap<>();
      int notifications = 0;
      int changes = 0;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (changes < threads * writesEach && System.nanoTime() < deadline) {
        for (String message : notified(listening)) {
          notifications++;
          JsonNode told = JSON.readTree(message); // a write that ran alone is told alone
          for (JsonNode change : told.isArray() ? told : List.of(told)) {
            changes++;
            changesByScope.computeIfAbsent(change.get("s").asText(), s -> new ArrayList<>()).add(change);
          }
        }
      }

      assertThat(changes).isEqualTo(threads * writesEach);
      assertThat(notifications).isLessThan(changes); // one notification per write serializes every writer
      assertThat(changesByScope).hasSize(threads);
      for (List<JsonNode> told : changesByScope.values()) {
        for (int i = 0; i < told.size(); i++) {
          assertThat(told.get(i).get("o").asText()).isEqualTo(Integer.toString(i));
          assertThat(told.get(i).get("n").asText()).isEqualTo(Integer.toString(i + 1));
        }
      }
    }
  }

  @Test
  void rowsThatOtherTransactionsHoldDelayOnlyTheirOwnWrites() throws Exception {
    String schema = TestPostgres.freshSchema();
    try (PostgresStore store = PostgresStore.builder(TestPostgres.pool()).schema(schema).build();
        Connection holdingZ = TestPostgres.pool().getConnection();
        Connection holdingX = TestPostgres.pool().getConnection()) {
      StateRef<Integer> x = StateContext.of(store).withClient("x").bind(ITEMS, 0);
      StateRef<Integer> y = StateContext.of(store).withClient("y").bind(ITEMS, 0);
      StateRef<Integer> z = StateContext.of(store).withClient("z").bind(ITEMS, 0);
      lock(holdingZ, schema, "cart.$client(z)");
      lock(holdingX, schema, "cart.$client(x)");
      ExecutorService pool = Executors.newFixedThreadPool(4);
      try {
        Future<?> writeZ = pool.submit(() -> z.set(1));
        await().atMost(Duration.ofSeconds(10)).until(() -> rowLockWaiters() > 0); // z's write waits for its row
        Future<?> writeX = pool.submit(() -> x.set(1));
        Future<?> writeY = pool.submit(() -> y.set(1));
        Future<?> incrementY = pool.submit(() -> StateValues.addInt(y, 1));

        writeY.get(10, TimeUnit.SECONDS); // z and x are still held: y waits for neither
        incrementY.get(10, TimeUnit.SECONDS);
        assertThat(writeZ.isDone()).isFalse();
        assertThat(writeX.isDone()).isFalse();

        holdingZ.commit();
        writeZ.get(10, TimeUnit.SECONDS);
        assertThat(writeX.isDone()).isFalse();
        holdingX.commit();
        writeX.get(10, TimeUnit.SECONDS);
      } finally {
        pool.shutdownNow();
      }
      assertThat(List.of(x.get(), z.get())).containsExactly(1, 1);
      assertThat(y.get()).isAnyOf(1, 2); // the set and the increment in either order
    }
  }

  /** Locks the rows of a scope in a transaction left open on {@code connection}. */
  /** How many statements of the test database wait for a lock another transaction holds. */
  private static int rowLockWaiters() throws SQLException {
    try (Connection connection = TestPostgres.pool().getConnection();
        var statement = connection.prepareStatement("SELECT count(*) FROM pg_locks WHERE NOT granted");
        var rows = statement.executeQuery()) {
      rows.next();
      return rows.getInt(1);
    }
  }

  private static void lock(Connection connection, String schema, String scope) throws SQLException {
    connection.setAutoCommit(false);
    try (var statement = connection.prepareStatement("SELECT 1 FROM " + schema + ".states WHERE scope = ? FOR UPDATE")) {
      statement.setString(1, scope);
      statement.executeQuery().close();
    }
  }

  private static List<String> notified(Connection listening) throws SQLException {
    PGNotification[] notifications = listening.unwrap(PGConnection.class).getNotifications(200);
    List<String> messages = new ArrayList<>();
    if (notifications != null) {
      for (PGNotification notification : notifications) {
        messages.add(notification.getParameter());
      }
    }
    return messages;
  }
}
