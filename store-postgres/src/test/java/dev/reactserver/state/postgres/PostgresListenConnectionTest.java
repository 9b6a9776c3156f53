package dev.reactserver.state.postgres;

import static com.google.common.truth.Truth.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import dev.reactserver.state.runtime.StateChange;
import dev.reactserver.state.runtime.StateId;
import dev.reactserver.state.runtime.StateRef;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The connection that listens for changes, killed on the server as an administrator or a failover would. */
class PostgresListenConnectionTest {

  @Test
  void aKilledListenConnectionIsNeverHandedOutAgainAndListeningResumes() throws Exception {
    HikariDataSource admin = TestPostgres.pool();
    String schema = TestPostgres.freshSchema();
    // A pool of two: one connection listens, the other serves calls; a dead one handed out would fail them.
    HikariDataSource pool = TestPostgres.pool(admin.getJdbcUrl(), admin.getUsername(), admin.getPassword(), 2);
    try (PostgresStore other = PostgresStore.builder(admin).schema(schema).build()) {
      awaitListening(admin, schema, -1);
      int otherListener = listener(admin, schema, -1);
      try (PostgresStore store = PostgresStore.builder(pool).schema(schema).build()) {
        watchAndKill(store, other, admin, schema, otherListener);
      }
    } finally {
      pool.close();
    }
  }

  private static void watchAndKill(PostgresStore store, PostgresStore other, HikariDataSource admin, String schema,
      int otherListener) throws Exception {
    StateRef<Integer> count = store.getState(0, StateId.of("lobby", "count"));
    List<StateChange<Integer>> heard = new CopyOnWriteArrayList<>();
    count.subscribe(heard::add);
    StateRef<Integer> countOnOther = other.getState(0, StateId.of("lobby", "count"));
    for (int round = 1; round <= 3; round++) {
      awaitListening(admin, schema, otherListener);
      terminate(admin, listener(admin, schema, otherListener));
      long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(800);
      while (System.nanoTime() < until) {
        // From a new thread each time: the pool hands a thread back the connection it used last.
        assertThat(CompletableFuture.supplyAsync(count::get, runnable -> new Thread(runnable).start()).get())
            .isEqualTo(round - 1);
      }
      awaitListening(admin, schema, otherListener);
      countOnOther.set(round);
      int expected = round;
      await().atMost(Duration.ofSeconds(20)).until(() -> heard.size() == expected);
      assertThat(heard.get(round - 1).newValue()).isEqualTo(round);
    }
  }

  /** The backend that listens on the schema's channel, other than {@code except}; -1 if none. */
  private static int listener(HikariDataSource admin, String schema, int except) throws SQLException {
    try (Connection connection = admin.getConnection(); Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT pid FROM pg_stat_activity WHERE query = 'LISTEN \""
            + schema + "_changes\"' AND pid <> " + except)) {
      return rows.next() ? rows.getInt(1) : -1;
    }
  }

  private static void terminate(HikariDataSource admin, int pid) throws SQLException {
    try (Connection connection = admin.getConnection(); Statement statement = connection.createStatement()) {
      statement.execute("SELECT pg_terminate_backend(" + pid + ")");
    }
  }

  private static void awaitListening(HikariDataSource admin, String schema, int except) throws Exception {
    await().atMost(Duration.ofSeconds(20)).until(() -> listener(admin, schema, except) != -1);
  }
}
