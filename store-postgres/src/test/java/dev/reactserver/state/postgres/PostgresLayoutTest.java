package dev.reactserver.state.postgres;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.reactserver.state.runtime.StateChange;
import dev.reactserver.state.runtime.StateContext;
import dev.reactserver.state.runtime.StateException;
import dev.reactserver.state.runtime.StateId;
import dev.reactserver.state.runtime.StateRef;
import dev.reactserver.state.runtime.spi.StateDeclaration;
import dev.reactserver.state.runtime.spi.StateType;
import dev.reactserver.state.runtime.spi.StateValues;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
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
          + " owners = ARRAY[sha256('$client(c1)')], expires_at > now(),"
          + " id = sha256(convert_to('16:cart.$client(c1)items', 'UTF8')) FROM " + schema + ".states")) {
        assertThat(row.next()).isTrue();
        assertThat(row.getString(1)).isEqualTo("cart.$client(c1)");
        assertThat(row.getString(2)).isEqualTo("items");
        assertThat(row.getString(3)).isEqualTo("3");
        assertThat(row.getLong(4)).isEqualTo(1L);
        assertThat(row.getString(5))
            .isEqualTo("{\"v\":1,\"component\":\"shop.Cart\",\"field\":\"items\",\"type\":\"int\"}");
        assertThat(row.getString(6)).isEqualTo("java.lang.Integer");
        assertThat(row.getBoolean(7)).isTrue();
        assertThat(row.getBoolean(8)).isTrue();
        assertThat(row.getBoolean(9)).isTrue();
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
  void aMissingTableOrOneOfAnotherLayoutIsNamedWhenTheStoreIsBuilt() throws SQLException {
    String missing = TestPostgres.freshSchema();
    String older = TestPostgres.freshSchema();
    try (Connection connection = TestPostgres.pool().getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE SCHEMA " + older + "; CREATE TABLE " + older + ".states (scope text, key text,"
          + " value text, PRIMARY KEY (scope, key))");
    }

    StateException none = assertThrows(StateException.class,
        () -> PostgresStore.builder(TestPostgres.pool()).schema(missing).createSchema(false).build());
    StateException other = assertThrows(StateException.class,
        () -> PostgresStore.builder(TestPostgres.pool()).schema(older).build());

    assertThat(none).hasMessageThat().contains("PostgresStore.schemaSql(\"" + missing + "\")");
    assertThat(other).hasMessageThat().contains("created by another version");
  }

  @Test
  void aSchemaWithoutTheFunctionsOfThisVersionIsNamedAndItsSqlAddsThem() throws SQLException {
    String schema = TestPostgres.freshSchema();
    try (Connection connection = TestPostgres.pool().getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute(PostgresStore.schemaSql(schema));
      statement.execute("DROP FUNCTION " + schema + ".load_states");

      StateException e = assertThrows(StateException.class,
          () -> PostgresStore.builder(TestPostgres.pool()).schema(schema).createSchema(false).build());

      assertThat(e).hasMessageThat().contains(schema + ".load_states");
      assertThat(e).hasMessageThat().contains("PostgresStore.schemaSql(\"" + schema + "\")");
      statement.execute(PostgresStore.schemaSql(schema));
      try (PostgresStore store = PostgresStore.builder(TestPostgres.pool()).schema(schema).createSchema(false).build()) {
        assertThat(StateContext.of(store).withClient("c1").bind(ITEMS, 3).get()).isEqualTo(3);
      }
    }
  }

  @Test
  void aTableOfTheEarlierLayoutIsNamedAndItsSqlAddsTheColumnKeepingTheStates() throws SQLException {
    String schema = TestPostgres.freshSchema();
    try (Connection connection = TestPostgres.pool().getConnection();
        Statement statement = connection.createStatement()) {
      try (PostgresStore store = PostgresStore.builder(TestPostgres.pool()).schema(schema).build()) {
        StateContext.of(store).withClient("c1").bind(ITEMS, 3);
      }
      statement.execute("ALTER TABLE " + schema + ".states DROP COLUMN previous");

      StateException e = assertThrows(StateException.class,
          () -> PostgresStore.builder(TestPostgres.pool()).schema(schema).createSchema(false).build());

      assertThat(e).hasMessageThat().contains("lacks the columns [previous]");
      assertThat(e).hasMessageThat().contains("PostgresStore.schemaSql(\"" + schema + "\")");
      try (PostgresStore store = PostgresStore.builder(TestPostgres.pool()).schema(schema).build()) {
        StateRef<Integer> items = StateContext.of(store).withClient("c1").bind(ITEMS, 0);
        assertThat(items.get()).isEqualTo(3);
        assertThat(StateValues.addInt(items, 2)).isEqualTo(5);
      }
    }
  }

  @Test
  void theStoreFindsARowByTheIdTheTableComputes() throws SQLException {
    String schema = TestPostgres.freshSchema();
    try (Connection connection = TestPostgres.pool().getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute(PostgresStore.schemaSql(schema));
      List<StateId> ids = List.of(StateId.of("cart.$client(c1)", "items"), StateId.of("", ""),
          StateId.of("é😀", "$client(x)"), StateId.of("a:", "b"), StateId.of("a", ":b"), StateId.of("ß".repeat(900), "ü"));
      for (StateId id : ids) {
        try (PreparedStatement select = connection.prepareStatement("SELECT " + schema + ".state_id(?, ?)")) {
          select.setString(1, id.scope());
          select.setString(2, id.key());
          try (ResultSet row = select.executeQuery()) {
            assertThat(row.next()).isTrue();
            assertThat(StateIds.of(id)).isEqualTo(row.getBytes(1));
          }
        }
      }
    }
  }

  @Test
  void schemaNamesAreChecked() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> PostgresStore.builder(TestPostgres.pool()).schema("Shop; DROP"));
    assertThat(e).hasMessageThat().contains("'Shop; DROP'");
  }

  @Test
  void aLongIdIsStoredInFullAndAChangeTooLongForNotifyIsToldInFullFromTheChangeLog() throws SQLException {
    String schema = TestPostgres.freshSchema();
    try (PostgresStore a = PostgresStore.builder(TestPostgres.pool()).schema(schema).build();
        PostgresStore b = PostgresStore.builder(TestPostgres.pool()).schema(schema).build();
        Connection connection = TestPostgres.pool().getConnection();
        Statement statement = connection.createStatement()) {
      Random random = new Random(7);
      String longClient = random.ints(10_000, '!', '~' + 1)
          .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
      StateDeclaration<String> note =
          StateDeclaration.of("shop.Note", "text", "text", "$client", StateType.of(String.class));
      String first = "a".repeat(9_000);
      String second = "b".repeat(9_000);
      StateRef<String> onA = StateContext.of(a).withClient(longClient).bind(note, first);
      List<StateChange<String>> heardOnB = new CopyOnWriteArrayList<>();
      StateContext.of(b).withClient(longClient).bind(note, "").subscribe(heardOnB::add);

      onA.set(second);

      long deadline = System.nanoTime() + 10_000_000_000L;
      while (heardOnB.isEmpty() && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      assertThat(heardOnB).containsExactly(new StateChange<>(onA.id(), first, second, false));
      try (ResultSet row = statement.executeQuery("SELECT scope, count(*) OVER () FROM " + schema + ".states")) {
        assertThat(row.next()).isTrue();
        assertThat(row.getString(1)).isEqualTo(onA.id().scope());
        assertThat(row.getString(1)).hasLength(longClient.length() + "$client()".length() + escapes(longClient));
        assertThat(row.getLong(2)).isEqualTo(1L);
      }
      try (ResultSet row = statement.executeQuery("SELECT count(*) FROM " + schema + ".changes")) {
        assertThat(row.next()).isTrue();
        assertThat(row.getLong(1)).isEqualTo(1L);
      }
    }
  }

  /** How many characters of {@code id} a resolved scope escapes ({@code \\} and {@code )}). */
  private static int escapes(String id) {
    return (int) id.chars().filter(c -> c == '\\' || c == ')').count();
  }
}
