package dev.reactserver.state.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.reactserver.state.postgres.PostgresStore;
import dev.reactserver.state.runtime.StateId;
import dev.reactserver.state.runtime.Store;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * Accessors on the PostgreSQL store against pgjdbc and HikariCP running the plain statement on the same
 * row of the same server: {@code SELECT value}, {@code UPDATE … SET value = ?}, {@code UPDATE … SET
 * value = value + 1}, and binding a four-state component against one {@code SELECT} of its four rows.
 * One thread, and 16 threads each on a client of its own or all on one shared state; the store has a
 * pool of 17 connections (one listens), the raw client 16. The server runs as
 * deployed: {@code fsync} and {@code synchronous_commit} on, so every commit waits for the disk.
 */
public class PostgresStoreBenchmark extends StoreBenchmark<List<StateId>> {

  private static final String SELECT = "SELECT value FROM bench.states WHERE scope = ? AND key = ?";
  private static final String SET = "UPDATE bench.states SET value = ? WHERE scope = ? AND key = ?";
  private static final String INCREMENT =
      "UPDATE bench.states SET value = (value::bigint + 1)::text WHERE scope = ? AND key = ?";
  private static final String SELECT_FOUR = "SELECT value FROM bench.states"
      + " WHERE (scope, key) IN ((?, ?), (?, ?), (?, ?), (?, ?))";

  private EmbeddedPostgres postgres;
  private PostgresStore store;
  private HikariDataSource raw;

  @Override
  protected Store start() throws Exception {
    postgres = EmbeddedPostgres.builder().setServerConfig("fsync", "on")
        .setServerConfig("synchronous_commit", "on").start();
    String url = postgres.getJdbcUrl("postgres", "postgres");
    store = PostgresStore.builder(url, "postgres", null).schema("bench").poolSize(17).build();
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url);
    config.setUsername("postgres");
    config.setMaximumPoolSize(16);
    raw = new HikariDataSource(config);
    return store;
  }

  @Override
  protected void stop() throws Exception {
    raw.close();
    store.close();
    postgres.close();
  }

  @Override
  protected List<StateId> keysOf(BenchCartStates cart) {
    return List.of(cart.countState().id(), cart.pointsState().id(), cart.totalState().id(),
        cart.visitsState().id());
  }

  @Override
  protected Object rawGet(List<StateId> keys, boolean shared) throws SQLException {
    return select(keys.get(shared ? 3 : 0));
  }

  @Override
  protected Object rawSet(List<StateId> keys, boolean shared, int value) throws SQLException {
    return set(keys.get(shared ? 3 : 0), value);
  }

  @Override
  protected Object rawIncrement(List<StateId> keys, boolean shared) throws SQLException {
    return increment(keys.get(shared ? 3 : 0));
  }

  @Override
  protected Object rawBind(List<StateId> keys) throws SQLException {
    return selectFour(keys);
  }

  private String select(StateId id) throws SQLException {
    try (Connection connection = raw.getConnection();
        PreparedStatement statement = connection.prepareStatement(SELECT)) {
      statement.setString(1, id.scope());
      statement.setString(2, id.key());
      try (ResultSet rows = statement.executeQuery()) {
        rows.next();
        return rows.getString(1);
      }
    }
  }

  private int set(StateId id, int value) throws SQLException {
    try (Connection connection = raw.getConnection();
        PreparedStatement statement = connection.prepareStatement(SET)) {
      statement.setString(1, Integer.toString(value));
      statement.setString(2, id.scope());
      statement.setString(3, id.key());
      return statement.executeUpdate();
    }
  }

  private int increment(StateId id) throws SQLException {
    try (Connection connection = raw.getConnection();
        PreparedStatement statement = connection.prepareStatement(INCREMENT)) {
      statement.setString(1, id.scope());
      statement.setString(2, id.key());
      return statement.executeUpdate();
    }
  }

  private int selectFour(List<StateId> ids) throws SQLException {
    try (Connection connection = raw.getConnection();
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
