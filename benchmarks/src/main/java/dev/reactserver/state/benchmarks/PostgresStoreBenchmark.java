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
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Accessors on the PostgreSQL store against pgjdbc and HikariCP running the plain statement on the same
 * row of the same server: {@code SELECT value}, {@code UPDATE … SET value = ?}, {@code UPDATE … SET
 * value = value + 1}, and binding a four-state component against one {@code SELECT} of its four rows.
 * One thread, and 16 threads each on a client of its own or all on one shared state; the store has a
 * pool of 17 connections (one listens), the raw client 16. The server runs as
 * deployed: {@code fsync} and {@code synchronous_commit} on, so every commit waits for the disk.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class PostgresStoreBenchmark {

  private static final String SELECT = "SELECT value FROM bench.states WHERE scope = ? AND key = ?";
  private static final String SET = "UPDATE bench.states SET value = ? WHERE scope = ? AND key = ?";
  private static final String INCREMENT =
      "UPDATE bench.states SET value = (value::bigint + 1)::text WHERE scope = ? AND key = ?";
  private static final String SELECT_FOUR = "SELECT value FROM bench.states"
      + " WHERE (scope, key) IN ((?, ?), (?, ?), (?, ?), (?, ?))";

  /** The server, the store (its default pool) and a raw pool of one connection per thread. */
  @State(Scope.Benchmark)
  public static class Server {
    EmbeddedPostgres postgres;
    PostgresStore store;
    HikariDataSource raw;
    final AtomicInteger clients = new AtomicInteger();

    @Setup(Level.Trial)
    public void start() throws IOException {
      postgres = EmbeddedPostgres.builder().setServerConfig("fsync", "on")
          .setServerConfig("synchronous_commit", "on").start();
      String url = postgres.getJdbcUrl("postgres", "postgres");
      store = PostgresStore.builder(url, "postgres", null).schema("bench").poolSize(17).build();
      HikariConfig config = new HikariConfig();
      config.setJdbcUrl(url);
      config.setUsername("postgres");
      config.setMaximumPoolSize(16);
      raw = new HikariDataSource(config);
    }

    @TearDown(Level.Trial)
    public void stop() throws IOException {
      raw.close();
      store.close();
      postgres.close();
    }
  }

  /** Each thread's own client of the component. */
  @State(Scope.Thread)
  public static class Client {
    StateContext ctx;
    BenchCart component;
    BenchCartStates cart;
    StateId count;
    StateId visits;
    List<StateId> four;
    int next;

    @Setup(Level.Trial)
    public void bind(Server server) {
      int n = server.clients.incrementAndGet();
      ctx = StateContext.of(server.store).withClient("c-" + n).withUser("u-" + n).forComponent("cart#" + n);
      component = new BenchCart();
      cart = BenchCartStates.bind(ctx, component);
      count = cart.countState().id();
      visits = cart.visitsState().id();
      four = List.of(count, cart.pointsState().id(), cart.totalState().id(), visits);
    }
  }

  @Benchmark
  @Threads(1)
  public int getThroughStore(Client client) {
    return client.cart.getCount();
  }

  @Benchmark
  @Threads(1)
  public String getRaw(Server server, Client client) throws SQLException {
    return select(server, client.count);
  }

  @Benchmark
  @Threads(1)
  public void setThroughStore(Client client) {
    client.cart.setCount(client.next++ & 1023);
  }

  @Benchmark
  @Threads(1)
  public int setRaw(Server server, Client client) throws SQLException {
    return set(server, client.count, client.next++ & 1023);
  }

  @Benchmark
  @Threads(1)
  public int incrementThroughStore(Client client) {
    return client.cart.incrementCount(1);
  }

  @Benchmark
  @Threads(1)
  public int incrementRaw(Server server, Client client) throws SQLException {
    return increment(server, client.count);
  }

  @Benchmark
  @Threads(1)
  public BenchCartStates bindThroughStore(Client client) {
    return BenchCartStates.bind(client.ctx, client.component);
  }

  @Benchmark
  @Threads(1)
  public int bindRaw(Server server, Client client) throws SQLException {
    return selectFour(server, client.four);
  }

  @Benchmark
  @Threads(16)
  public int getThroughStore16Threads(Client client) {
    return getThroughStore(client);
  }

  @Benchmark
  @Threads(16)
  public String getRaw16Threads(Server server, Client client) throws SQLException {
    return getRaw(server, client);
  }

  @Benchmark
  @Threads(16)
  public void setThroughStore16Threads(Client client) {
    setThroughStore(client);
  }

  @Benchmark
  @Threads(16)
  public int setRaw16Threads(Server server, Client client) throws SQLException {
    return setRaw(server, client);
  }

  @Benchmark
  @Threads(16)
  public int incrementThroughStore16Threads(Client client) {
    return incrementThroughStore(client);
  }

  @Benchmark
  @Threads(16)
  public int incrementRaw16Threads(Server server, Client client) throws SQLException {
    return incrementRaw(server, client);
  }

  @Benchmark
  @Threads(16)
  public BenchCartStates bindThroughStore16Threads(Client client) {
    return bindThroughStore(client);
  }

  @Benchmark
  @Threads(16)
  public int bindRaw16Threads(Server server, Client client) throws SQLException {
    return bindRaw(server, client);
  }

  @Benchmark
  @Threads(16)
  public long getSharedThroughStore16Threads(Client client) {
    return client.cart.getVisits();
  }

  @Benchmark
  @Threads(16)
  public String getSharedRaw16Threads(Server server, Client client) throws SQLException {
    return select(server, client.visits);
  }

  @Benchmark
  @Threads(16)
  public void setSharedThroughStore16Threads(Client client) {
    client.cart.setVisits(client.next++ & 1023);
  }

  @Benchmark
  @Threads(16)
  public int setSharedRaw16Threads(Server server, Client client) throws SQLException {
    return set(server, client.visits, client.next++ & 1023);
  }

  @Benchmark
  @Threads(16)
  public long incrementSharedThroughStore16Threads(Client client) {
    return client.cart.incrementVisits(1);
  }

  @Benchmark
  @Threads(16)
  public int incrementSharedRaw16Threads(Server server, Client client) throws SQLException {
    return increment(server, client.visits);
  }

  private static String select(Server server, StateId id) throws SQLException {
    try (Connection connection = server.raw.getConnection();
        PreparedStatement statement = connection.prepareStatement(SELECT)) {
      statement.setString(1, id.scope());
      statement.setString(2, id.key());
      try (ResultSet rows = statement.executeQuery()) {
        rows.next();
        return rows.getString(1);
      }
    }
  }

  private static int set(Server server, StateId id, int value) throws SQLException {
    try (Connection connection = server.raw.getConnection();
        PreparedStatement statement = connection.prepareStatement(SET)) {
      statement.setString(1, Integer.toString(value));
      statement.setString(2, id.scope());
      statement.setString(3, id.key());
      return statement.executeUpdate();
    }
  }

  private static int increment(Server server, StateId id) throws SQLException {
    try (Connection connection = server.raw.getConnection();
        PreparedStatement statement = connection.prepareStatement(INCREMENT)) {
      statement.setString(1, id.scope());
      statement.setString(2, id.key());
      return statement.executeUpdate();
    }
  }

  private static int selectFour(Server server, List<StateId> ids) throws SQLException {
    try (Connection connection = server.raw.getConnection();
        PreparedStatement statement = connection.prepareStatement(SELECT_FOUR)) {
      int i = 1;
      for (StateId id : ids) {
        statement.setString(i++, id.scope());
        statement.setString(i++, id.key());
      }
      int rows = 0;
      try (ResultSet result = statement.executeQuery()) {
        while (result.next()) {
          rows++;
        }
      }
      return rows;
    }
  }
}
