package dev.reactserver.state.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.reactserver.state.postgres.PostgresStore;
import dev.reactserver.state.runtime.StateContext;
import dev.reactserver.state.runtime.StateId;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Accessors on the PostgreSQL store against pgjdbc and HikariCP running the same kind of statement on
 * the same row of the same server (a select, an update, an update that adds), and binding a four-state
 * component (one statement). One thread: each call waits for its round trip.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 1, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class PostgresStoreBenchmark {

  private static final String SCHEMA = "bench";

  private EmbeddedPostgres server;
  private PostgresStore store;
  private HikariDataSource rawPool;
  private StateContext ctx;
  private BenchCart component;
  private BenchCartStates cart;
  private StateId count;
  private StateId visits;
  private int next;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    server = EmbeddedPostgres.start();
    String url = server.getJdbcUrl("postgres", "postgres");
    store = PostgresStore.builder(url, "postgres", null).schema(SCHEMA).poolSize(2).build();
    ctx = StateContext.of(store).withClient("c-42").withUser("u-7").forComponent("cart#1");
    component = new BenchCart();
    cart = BenchCartStates.bind(ctx, component);
    count = cart.countState().id();
    visits = cart.visitsState().id();
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url);
    config.setUsername("postgres");
    config.setMaximumPoolSize(2);
    rawPool = new HikariDataSource(config);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    rawPool.close();
    store.close();
    server.close();
  }

  @Benchmark
  public int getThroughStore() {
    return cart.getCount();
  }

  @Benchmark
  public int getRaw() throws SQLException {
    return Integer.parseInt(rawText("SELECT value FROM bench.states WHERE scope = ? AND key = ?", count, null));
  }

  @Benchmark
  public void setThroughStore() {
    cart.setCount(next++ & 1023);
  }

  @Benchmark
  public String setRaw() throws SQLException {
    return rawText("UPDATE bench.states SET value = ? WHERE scope = ? AND key = ? RETURNING value", count,
        Integer.toString(next++ & 1023));
  }

  @Benchmark
  public long incrementThroughStore() {
    return cart.incrementVisits(1);
  }

  @Benchmark
  public long incrementRaw() throws SQLException {
    return Long.parseLong(rawText("UPDATE bench.states SET value = (value::bigint + 1)::text"
        + " WHERE scope = ? AND key = ? RETURNING value", visits, null));
  }

  @Benchmark
  public BenchCartStates bindThroughStore() {
    return BenchCartStates.bind(ctx, component);
  }

  /** Runs one statement on a pooled connection; the first parameter is {@code value} unless it is null. */
  private String rawText(String sql, StateId id, String value) throws SQLException {
    try (Connection connection = rawPool.getConnection();
        PreparedStatement statement = connection.prepareStatement(sql)) {
      int i = 1;
      if (value != null) {
        statement.setString(i++, value);
      }
      statement.setString(i++, id.scope());
      statement.setString(i, id.key());
      try (ResultSet rows = statement.executeQuery()) {
        rows.next();
        return rows.getString(1);
      }
    }
  }
}
