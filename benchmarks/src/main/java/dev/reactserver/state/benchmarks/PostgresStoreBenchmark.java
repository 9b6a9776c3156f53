package dev.reactserver.state.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.reactserver.state.postgres.PostgresStore;
import dev.reactserver.state.runtime.Store;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.openjdk.jmh.annotations.Param;

/**
 * Accessors on the PostgreSQL store against pgjdbc and HikariCP running the plain statement on a table
 * of its own ({@code raw.states (k text PRIMARY KEY, v bigint)}, one row per state) of the same server:
 * {@code SELECT v}, {@code UPDATE … SET v = ?}, {@code UPDATE … SET v = v + 1}, and binding a four-state
 * component against one {@code SELECT} of its four rows. One thread, and 16 threads each on a client of
 * its own or all on one shared state; the store has a pool of 17 connections (one listens), the raw
 * client 16. {@code fsync} and {@code synchronous_commit} are on, so every commit waits for its flush;
 * {@code settings=deployed} keeps the data on the disk, {@code settings=fastCommit} in memory
 * ({@code /dev/shm}), where a flush costs next to nothing and what each write costs the server shows.
 */
public class PostgresStoreBenchmark extends StoreBenchmark<List<String>> {

  private static final String SELECT = "SELECT v FROM raw.states WHERE k = ?";
  private static final String SET = "UPDATE raw.states SET v = ? WHERE k = ?";
  private static final String INCREMENT = "UPDATE raw.states SET v = v + 1 WHERE k = ?";
  private static final String SELECT_FOUR = "SELECT v FROM raw.states WHERE k IN (?, ?, ?, ?)";
  private static final String INSERT = "INSERT INTO raw.states VALUES (?, 0) ON CONFLICT DO NOTHING";

  /** Where the server keeps its data: {@code deployed} on the disk, {@code fastCommit} in memory. */
  @Param({"deployed", "fastCommit"})
  public String settings;

  private EmbeddedPostgres postgres;
  private PostgresStore store;
  private HikariDataSource raw;

  @Override
  protected Store start() throws Exception {
    EmbeddedPostgres.Builder server = EmbeddedPostgres.builder().setServerConfig("fsync", "on")
        .setServerConfig("synchronous_commit", "on");
    if (settings.equals("fastCommit")) {
      server.setDataDirectory(Files.createTempDirectory(Path.of("/dev/shm"), "bench-postgres"));
    }
    postgres = server.start();
    String url = postgres.getJdbcUrl("postgres", "postgres");
    store = PostgresStore.builder(url, "postgres", null).schema("bench").poolSize(17).build();
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url);
    config.setUsername("postgres");
    config.setMaximumPoolSize(16);
    raw = new HikariDataSource(config);
    try (Connection connection = raw.getConnection(); Statement statement = connection.createStatement()) {
      statement.execute("CREATE SCHEMA raw; CREATE TABLE raw.states (k text PRIMARY KEY, v bigint NOT NULL)");
    }
    return store;
  }

  /** The postmaster: the parent of a backend. */
  @Override
  protected ProcessHandle serverProcess() throws SQLException {
    try (Connection connection = raw.getConnection(); Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT pg_backend_pid()")) {
      rows.next();
      return ProcessHandle.of(rows.getLong(1)).flatMap(ProcessHandle::parent).orElseThrow();
    }
  }

  @Override
  protected void stop() throws Exception {
    raw.close();
    store.close();
    postgres.close();
  }

  @Override
  protected List<String> keysOf(BenchCartStates cart) throws SQLException {
    List<String> keys = List.of(cart.countState().id().storeKey(), cart.pointsState().id().storeKey(),
        cart.totalState().id().storeKey(), cart.visitsState().id().storeKey());
    try (Connection connection = raw.getConnection(); PreparedStatement insert = connection.prepareStatement(INSERT)) {
      for (String key : keys) {
        insert.setString(1, key);
        insert.executeUpdate();
      }
    }
    return keys;
  }

  @Override
  protected Object rawGet(List<String> keys, boolean shared) throws SQLException {
    return select(keys.get(shared ? 3 : 0));
  }

  @Override
  protected Object rawSet(List<String> keys, boolean shared, int value) throws SQLException {
    return set(keys.get(shared ? 3 : 0), value);
  }

  @Override
  protected Object rawIncrement(List<String> keys, boolean shared) throws SQLException {
    return increment(keys.get(shared ? 3 : 0));
  }

  @Override
  protected Object rawBind(List<String> keys) throws SQLException {
    return selectFour(keys);
  }

  private long select(String key) throws SQLException {
    try (Connection connection = raw.getConnection();
        PreparedStatement statement = connection.prepareStatement(SELECT)) {
      statement.setString(1, key);
      try (ResultSet rows = statement.executeQuery()) {
        rows.next();
        return rows.getLong(1);
      }
    }
  }

  private int set(String key, int value) throws SQLException {
    try (Connection connection = raw.getConnection();
        PreparedStatement statement = connection.prepareStatement(SET)) {
      statement.setLong(1, value);
      statement.setString(2, key);
      return statement.executeUpdate();
    }
  }

  private int increment(String key) throws SQLException {
    try (Connection connection = raw.getConnection();
        PreparedStatement statement = connection.prepareStatement(INCREMENT)) {
      statement.setString(1, key);
      return statement.executeUpdate();
    }
  }

  private int selectFour(List<String> keys) throws SQLException {
    try (Connection connection = raw.getConnection();
        PreparedStatement statement = connection.prepareStatement(SELECT_FOUR)) {
      int i = 1;
      for (String key : keys) {
        statement.setString(i++, key);
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
