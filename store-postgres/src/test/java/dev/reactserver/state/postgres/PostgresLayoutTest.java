package dev.reactserver.state.postgres;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.reactserver.state.runtime.StateContext;
import dev.reactserver.state.runtime.StateException;
import dev.reactserver.state.runtime.StateRef;
import dev.reactserver.state.runtime.internal.StateValues;
import dev.reactserver.state.runtime.spi.StateDeclaration;
import dev.reactserver.state.runtime.spi.StateType;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The documented table, read back with plain SQL. */
class PostgresLayoutTest {

  private static final StateDeclaration<Integer> ITEMS =
      StateDeclaration.of("shop.Cart", "items", "items", "cart.$client", StateType.of(int.class));

  @Test
  void aStateIsARowOfTheSchemasTable() throws SQLException {
    String schema = TestPostgres.freshSchema();
    try (PostgresStore store = PostgresStore.builder(TestPostgres.pool()).schema(schema).build();
        Connection connection = TestPostgres.pool().getConnection();
        Statement statement = connection.createStatement()) {
      StateContext.of(store).withClient("c1").bind(ITEMS, 3);

      try (ResultSet row = statement.executeQuery("SELECT scope, key, value, version, declaration, type,"
          + " owners, expires_at > now() FROM " + schema + ".states")) {
        assertThat(row.next()).isTrue();
        assertThat(row.getString(1)).isEqualTo("cart.$client(c1)");
        assertThat(row.getString(2)).isEqualTo("items");
        assertThat(row.getString(3)).isEqualTo("3");
        assertThat(row.getLong(4)).isEqualTo(1L);
        assertThat(row.getString(5))
            .isEqualTo("{\"v\":1,\"component\":\"shop.Cart\",\"field\":\"items\",\"type\":\"int\"}");
        assertThat(row.getString(6)).isEqualTo("java.lang.Integer");
        assertThat((Object[]) row.getArray(7).getArray()).asList().containsExactly("$client(c1)");
        assertThat(row.getBoolean(8)).isTrue();
        assertThat(row.next()).isFalse();
      }
    }
  }

  @Test
  void aStoreOnAPoolThatDoesNotAutoCommitStillCommitsEveryWrite() {
    String schema = TestPostgres.freshSchema();
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(TestPostgres.pool().getJdbcUrl());
    config.setUsername(TestPostgres.pool().getUsername());
    config.setPassword(TestPostgres.pool().getPassword());
    config.setMaximumPoolSize(3);
    config.setAutoCommit(false); // as some application pools are configured
    try (HikariDataSource manual = new HikariDataSource(config);
        PostgresStore store = PostgresStore.builder(manual).schema(schema).build();
        PostgresStore other = PostgresStore.builder(TestPostgres.pool()).schema(schema).build()) {
      StateRef<Integer> items = StateContext.of(store).withClient("c1").bind(ITEMS, 3);
      items.set(4);
      StateValues.addInt(items, 2);
      items.update(n -> n * 10);

      assertThat(StateContext.of(other).withClient("c1").bind(ITEMS, 0).get()).isEqualTo(60);
    }
  }

  @Test
  void theSchemaScriptCreatesWhatTheStoreNeeds() throws SQLException {
    String schema = TestPostgres.freshSchema();
    try (Connection connection = TestPostgres.pool().getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute(PostgresStore.schemaSql(schema));
    }
    try (PostgresStore store = PostgresStore.builder(TestPostgres.pool()).schema(schema).createSchema(false).build()) {
      assertThat(StateContext.of(store).withClient("c1").bind(ITEMS, 5).get()).isEqualTo(5);
    }
  }

  @Test
  void schemaNamesAreChecked() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> PostgresStore.builder(TestPostgres.pool()).schema("Shop; DROP"));
    assertThat(e).hasMessageThat().contains("'Shop; DROP'");
  }

  @Test
  void anIdTooLongToIndexIsRefusedNamingTheStateBeforeAnythingIsSent() {
    try (PostgresStore store = PostgresStore.builder(TestPostgres.pool()).schema(TestPostgres.freshSchema()).build()) {
      Random random = new Random(7);
      String longClient = random.ints(10_000, 'a', 'z' + 1)
          .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
      String longestClient = longClient.substring(0, PostgresStore.MAX_ID_BYTES - 40);

      StateException e = assertThrows(StateException.class,
          () -> StateContext.of(store).withClient(longClient).bind(ITEMS, 3));
      StateRef<Integer> fits = StateContext.of(store).withClient(longestClient).bind(ITEMS, 3);
      StateValues.addInt(fits, 1);

      assertThat(e).hasMessageThat().contains("cannot be stored by PostgresStore");
      assertThat(e).hasMessageThat().contains("state cart.$client(" + longClient.substring(0, 10));
      assertThat(e.getMessage().length()).isLessThan(500);
      assertThat(fits.get()).isEqualTo(4);
      assertThat(store.states()).hasSize(1);
    }
  }
}
