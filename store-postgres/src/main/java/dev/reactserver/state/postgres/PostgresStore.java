package dev.reactserver.state.postgres;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.reactserver.state.postgres.BatchedWrites.Kind;
import dev.reactserver.state.postgres.BatchedWrites.Outcome;
import dev.reactserver.state.postgres.BatchedWrites.Result;
import dev.reactserver.state.postgres.BatchedWrites.Write;
import dev.reactserver.state.postgres.Jdbc.HeldConnection;
import dev.reactserver.state.remote.spi.CompareAndSetResult;
import dev.reactserver.state.remote.spi.HeldUpdates;
import dev.reactserver.state.remote.spi.NumberKind;
import dev.reactserver.state.remote.spi.RemoteStore;
import dev.reactserver.state.remote.spi.RemoteStoreBuilder;
import dev.reactserver.state.remote.spi.StateSeed;
import dev.reactserver.state.remote.spi.StoreMessages;
import dev.reactserver.state.remote.spi.StoredState;
import dev.reactserver.state.remote.spi.Written;
import dev.reactserver.state.runtime.StateException;
import dev.reactserver.state.runtime.StateId;
import dev.reactserver.state.runtime.StoreUnavailableException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * A store on PostgreSQL, for applications that run several server nodes: every node sees the same
 * states, {@code update} is optimistic (compare-and-set on the version) and {@code increment} adds on
 * the server, binding a component is one call, writes that many threads make at once share one
 * transaction, and every write is told to every node's listeners through {@code LISTEN/NOTIFY}.
 *
 * <pre>{@code
 * PostgresStore store = PostgresStore.builder("jdbc:postgresql://db.internal/app", "app", secret)
 *     .schema("shop_state")
 *     .build();
 * }</pre>
 *
 * <p>Layout: one table {@code <schema>.states (id, scope, key, value, version, declaration, type, owners,
 * expires_at, previous)} with the value as JSON text, the change table {@code <schema>.changes}, functions (among
 * them {@code write_all}, which runs the writes that a node's threads make at once in one transaction,
 * and {@code load_states}, which binds) and the channel {@code <schema>_changes}; created on first use,
 * or beforehand from {@link #schemaSql(String)}. Each
 * application uses a schema of its own. Idle client states get an {@code expires_at}; every node sweeps
 * expired rows. With the database down, calls fail within the command timeout with a
 * {@link StoreUnavailableException}; the pool reconnects by itself. Close the store when the application
 * stops.
 */
public final class PostgresStore extends RemoteStore {

  private static final System.Logger LOG = System.getLogger("dev.reactserver.state");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern SCHEMA = Pattern.compile("[a-z_][a-z0-9_]{0,39}");
  private final HikariDataSource ownedPool;
  private final Jdbc jdbc;
  private final Sql sql;
  private final BatchedWrites writes;
  private final ChangeListener listener;

  private PostgresStore(Builder builder) {
    super(builder, "postgres-" + builder.schema);
    this.sql = new Sql(builder.schema);
    this.ownedPool = builder.dataSource == null ? pool(builder) : null;
    this.jdbc = new Jdbc(ownedPool != null ? ownedPool : builder.dataSource);
    this.writes = new BatchedWrites(jdbc, sql);
    try {
      SchemaSetup schema = new SchemaSetup(jdbc, sql);
      if (builder.createSchema) {
        schema.createIfMissing();
      } else {
        schema.check();
      }
      this.listener = new ChangeListener(jdbc.dataSource(), sql.channel, sql.logged, this::receive,
          this::changeChannelRestored, commandTimeout().multipliedBy(5));
      startSweeping();
    } catch (RuntimeException e) {
      if (ownedPool != null) {
        ownedPool.close();
      }
      throw e;
    }
  }

  /** A builder for a store on the database at {@code jdbcUrl}, with a connection pool of its own. */
  public static Builder builder(String jdbcUrl, String user, String password) {
    Builder builder = new Builder();
    builder.jdbcUrl = Objects.requireNonNull(jdbcUrl, "jdbcUrl");
    builder.user = user;
    builder.password = password;
    return builder;
  }

  /**
   * A builder for a store on {@code dataSource}, typically the application's pool; the store keeps one
   * of its connections for {@code LISTEN} and does not close the pool.
   */
  public static Builder builder(DataSource dataSource) {
    Builder builder = new Builder();
    builder.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    return builder;
  }

  /** The SQL that creates the schema's table, indexes and function, for those who create them beforehand. */
  public static String schemaSql(String schema) {
    return new Sql(requireSchema(schema)).createSchema;
  }

  /** The schema. */
  public String schema() {
    return sql.schema;
  }

  // ---- the primitives ----

  @Override
  protected List<StoredState> load(List<StateSeed> seeds, List<String> touchClients, long idleMillis) {
    int n = seeds.size();
    String[] scopes = new String[n];
    String[] keys = new String[n];
    String[] values = new String[n];
    String[] declarations = new String[n];
    String[] types = new String[n];
    String[] owners = new String[n];
    Long[] idles = new Long[n];
    for (int i = 0; i < n; i++) {
      StateSeed seed = seeds.get(i);
      scopes[i] = seed.id().scope();
      keys[i] = seed.id().key();
      values[i] = seed.initial();
      declarations[i] = seed.declaration();
      types[i] = seed.type();
      owners[i] = jsonArray(seed.owners());
      idles[i] = seed.idleMillis();
    }
    List<StoredState> loaded = jdbc.withWriteConnection("bind " + n + " states", connection -> {
      try (PreparedStatement statement = connection.prepareStatement(sql.load)) {
        statement.setArray(1, connection.createArrayOf("text", scopes));
        statement.setArray(2, connection.createArrayOf("text", keys));
        statement.setArray(3, connection.createArrayOf("text", values));
        statement.setArray(4, connection.createArrayOf("text", declarations));
        statement.setArray(5, connection.createArrayOf("text", types));
        statement.setArray(6, connection.createArrayOf("text", owners));
        statement.setArray(7, connection.createArrayOf("int8", idles));
        statement.setLong(8, idleMillis);
        statement.setArray(9, connection.createArrayOf("text", touchClients.toArray(String[]::new)));
        List<StoredState> states = new ArrayList<>(n);
        try (ResultSet rows = statement.executeQuery()) {
          for (int i = 0; rows.next(); i++) {
            String value = rows.getString(1);
            states.add(value == null ? null : new StoredState(seeds.get(i).id(), value, rows.getLong(2),
                rows.getString(3), rows.getString(4)));
          }
        }
        return states;
      }
    });
    return loaded.contains(null) ? retryMissing(seeds, loaded, idleMillis) : loaded;
  }

  /** A row inserted by another node after this statement's snapshot is found by a second look. */
  private List<StoredState> retryMissing(List<StateSeed> seeds, List<StoredState> states, long idleMillis) {
    List<StoredState> complete = new ArrayList<>(states);
    for (int i = 0; i < complete.size(); i++) {
      if (complete.get(i) == null) {
        complete.set(i, load(List.of(seeds.get(i)), List.of(), idleMillis).get(0));
      }
    }
    return complete;
  }

  @Override
  protected String value(StateId id) {
    return jdbc.read("read " + id, sql.value, rows -> rows.next() ? rows.getString(1) : null, row(id));
  }

  @Override
  protected StoredState state(StateId id) {
    return jdbc.read("read " + id, sql.state, rows -> rows.next()
        ? new StoredState(id, rows.getString(1), rows.getLong(2), rows.getString(3), rows.getString(4))
        : null, row(id));
  }

  @Override
  protected Written set(StateId id, String value) {
    return writes.run(new Write(Kind.SET, id, value, 0, "write " + id)).written();
  }

  @Override
  protected CompareAndSetResult compareAndSet(StateId id, long version, String value) {
    Written written = writes.run(new Write(Kind.COMPARE_AND_SET, id, value, version, "update " + id)).written();
    return written != null ? CompareAndSetResult.wrote(written) : CompareAndSetResult.lost(null);
  }

  @Override
  protected Written add(StateId id, NumberKind kind, String delta) {
    if (kind == NumberKind.DOUBLE) {
      try {
        return writes.run(new Write(Kind.ADD_DOUBLE, id, delta, 0, "add to " + id)).written();
      } catch (StateException e) {
        if (e.getCause() instanceof SQLException cause && BatchedWrites.sumFailed(cause)) {
          return Written.NOT_ADDED;
        }
        throw e;
      }
    }
    Result result = writes.run(new Write(kind == NumberKind.INT ? Kind.ADD_INT : Kind.ADD_LONG, id, delta, 0,
        "add to " + id));
    return result.outcome() == Outcome.LOST ? Written.NOT_ADDED : result.written();
  }

  @Override
  protected CompareAndSetResult updateExclusively(StateId id, UnaryOperator<String> next) {
    return jdbc.withWriteConnection("update " + id, connection -> {
      connection.setAutoCommit(false);
      try {
        String current = valueForUpdate(connection, id);
        String value = current == null ? null
            : HeldUpdates.apply(next, current, new HeldConnection(jdbc.dataSource(), connection));
        Written written = null;
        if (value != null) {
          written = BatchedWrites.runIn(connection, sql, new Write(Kind.SET, id, value, 0, "update " + id)).written();
        }
        if (written == null) {
          connection.rollback();
          return CompareAndSetResult.lost(null);
        }
        connection.commit();
        return CompareAndSetResult.wrote(written);
      } catch (SQLException | RuntimeException | Error e) {
        connection.rollback();
        throw e;
      } finally {
        connection.setAutoCommit(true);
      }
    });
  }

  private String valueForUpdate(Connection connection, StateId id) throws SQLException {
    try (PreparedStatement select = Jdbc.prepare(connection, sql.valueForUpdate, row(id));
        ResultSet rows = select.executeQuery()) {
      return rows.next() ? rows.getString(1) : null;
    }
  }

  @Override
  protected Written createOrSet(StateSeed seed) {
    StateId id = seed.id();
    for (int attempt = 0; ; attempt++) {
      int inserted = jdbc.writeCounting("create " + id, sql.insert, id.scope(), id.key(), seed.initial(), seed.declaration(),
          seed.type(), seed.owners().toArray(String[]::new), seed.idleMillis(), seed.idleMillis());
      if (inserted == 1) {
        return null;
      }
      Written written = set(id, seed.initial());
      if (written != null || attempt >= 100) {
        return written;
      }
    }
  }

  @Override
  protected boolean exists(StateId id) {
    return jdbc.read("read " + id, sql.exists, ResultSet::next, row(id));
  }

  @Override
  protected boolean delete(StateId id) {
    return deleteAndEnd("delete " + id, sql.delete, null, row(id)) == 1;
  }

  @Override
  protected int deleteStatesIn(String scope) {
    return deleteAndEnd("delete scope " + scope, sql.deleteScope, Set.of(scope), scope);
  }

  @Override
  protected List<StoredState> list(String scope) {
    String statement = scope == null ? sql.list : sql.listScope;
    Object[] parameters = scope == null ? new Object[0] : new Object[] {scope};
    return jdbc.read("list states", statement, rows -> {
      List<StoredState> states = new ArrayList<>();
      while (rows.next()) {
        states.add(new StoredState(StateId.of(rows.getString(1), rows.getString(2)), rows.getString(3),
            rows.getLong(4), rows.getString(5), rows.getString(6)));
      }
      return states;
    }, parameters);
  }

  @Override
  protected int endOwner(String owner) {
    return deleteAndEnd("end " + owner, sql.deleteOwner, Set.of(), owner);
  }

  @Override
  protected void touch(String client, long idleMillis) {
    jdbc.writeCounting("touch " + client, sql.touch, idleMillis, client);
  }

  @Override
  protected boolean redeclare(StateId id, long version, String declaration, String type, String value) {
    if (jdbc.writeCounting("declare " + id, sql.redeclare, declaration, type, StateIds.of(id), id.scope(), id.key(),
        version) == 0) {
      return false;
    }
    return value == null || compareAndSet(id, version, value).written() != null;
  }

  @Override
  protected void closeServer() {
    try {
      listener.close();
    } finally {
      if (ownedPool != null) {
        ownedPool.close();
      }
    }
  }

  @Override
  public String toString() {
    return "PostgresStore[schema=" + sql.schema + "]";
  }

  // ---- idle clients ----

  /**
   * Deletes expired client states in batches; if a batch fails for another reason than an unreachable
   * database, state by state, so that one state that cannot be deleted keeps no other client alive.
   */
  @Override
  protected void sweepExpiredClients() {
    try {
      while (deleteAndEnd("sweep expired client states", sql.deleteExpired, Set.of()) == Sql.SWEEP_BATCH) {
        // more expired states wait
      }
    } catch (StoreUnavailableException e) {
      throw e;
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "ending idle clients of " + this + " failed; ending them one state"
          + " at a time", e);
      sweepStateByState();
    }
  }

  private void sweepStateByState() {
    List<StateId> expired;
    try {
      expired = jdbc.read("list expired client states", sql.expired, rows -> {
        List<StateId> ids = new ArrayList<>();
        while (rows.next()) {
          ids.add(StateId.of(rows.getString(1), rows.getString(2)));
        }
        return ids;
      });
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "listing expired client states of " + this + " failed", e);
      return;
    }
    for (StateId id : expired) {
      try {
        deleteAndEnd("end expired state " + id, sql.deleteExpiredState, Set.of(), row(id));
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "cannot end expired state " + StoreMessages.shortened(id)
            + " of an idle client", e);
      }
    }
  }

  /**
   * Runs a deleting statement (its rows name the scope of each deleted state) and then, in the same
   * transaction, tells the end of those scopes and of {@code endedScopes}, unless that is null (a
   * single deletion ends no scope); returns how many states were deleted.
   */
  private int deleteAndEnd(String what, String statement, Set<String> endedScopes, Object... parameters) {
    return jdbc.withWriteConnection(what, connection -> {
      boolean autoCommit = connection.getAutoCommit();
      connection.setAutoCommit(false);
      try {
        Set<String> scopes = new LinkedHashSet<>();
        int deleted = 0;
        try (PreparedStatement delete = Jdbc.prepare(connection, statement, parameters);
            ResultSet rows = delete.executeQuery()) {
          while (rows.next()) {
            deleted++;
            scopes.add(rows.getString(1));
          }
        }
        if (endedScopes != null) {
          scopes.addAll(endedScopes);
          if (!scopes.isEmpty()) {
            try (PreparedStatement end = connection.prepareStatement(sql.endScopes)) {
              end.setArray(1, connection.createArrayOf("text", scopes.toArray(String[]::new)));
              end.executeQuery().close();
            }
          }
        }
        connection.commit();
        return deleted;
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      } finally {
        connection.setAutoCommit(autoCommit);
      }
    });
  }

  /** The parameters that find the row of {@code id}: its id, scope and key. */
  private static Object[] row(StateId id) {
    return new Object[] {StateIds.of(id), id.scope(), id.key()};
  }

  /** {@code texts} as a JSON array of strings, the form the load statement reads owner scopes in. */
  private static String jsonArray(List<String> texts) {
    try {
      return JSON.writeValueAsString(texts);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a list of strings is always JSON", e);
    }
  }

  private HikariDataSource pool(Builder builder) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(builder.jdbcUrl);
    config.setUsername(builder.user);
    config.setPassword(builder.password);
    config.setPoolName("reactserver-state-" + builder.schema);
    config.setMaximumPoolSize(builder.poolSize);
    config.setConnectionTimeout(Math.max(250, commandTimeout().toMillis()));
    config.setValidationTimeout(Math.max(250, commandTimeout().toMillis()));
    // Fail rather than wait: a call waits at most the command timeout for the server.
    config.setInitializationFailTimeout(-1);
    long seconds = Math.max(1, (commandTimeout().toMillis() + 999) / 1000);
    config.addDataSourceProperty("socketTimeout", Long.toString(seconds));
    config.addDataSourceProperty("connectTimeout", Long.toString(seconds));
    config.addDataSourceProperty("loginTimeout", Long.toString(seconds));
    return new HikariDataSource(config);
  }

  private static String requireSchema(String schema) {
    Objects.requireNonNull(schema, "schema");
    if (!SCHEMA.matcher(schema).matches()) {
      throw new IllegalArgumentException("a schema name needs 1 to 40 lower-case letters, digits or '_',"
          + " starting with a letter or '_', but was '" + schema + "'");
    }
    return schema;
  }

  /** Configures a {@link PostgresStore}. */
  public static final class Builder extends RemoteStoreBuilder<Builder> {
    private DataSource dataSource;
    private String jdbcUrl;
    private String user;
    private String password;
    private String schema = "reactserver_state";
    private boolean createSchema = true;
    private int poolSize = 10;

    private Builder() {}

    /**
     * The schema of the store's table, so that several applications can share one database; lower-case
     * letters, digits and {@code _}; {@code "reactserver_state"} by default.
     *
     * @throws IllegalArgumentException if {@code schema} is not such a name
     */
    public Builder schema(String schema) {
      this.schema = requireSchema(schema);
      return this;
    }

    /** Whether the store creates its schema, table and function if missing; true by default. */
    public Builder createSchema(boolean create) {
      this.createSchema = create;
      return this;
    }

    /** The size of the store's own pool (one connection listens for changes); 10 by default. */
    public Builder poolSize(int size) {
      if (size < 2) {
        throw new IllegalArgumentException("the pool needs at least 2 connections, but was " + size);
      }
      this.poolSize = size;
      return this;
    }

    /**
     * Connects and returns the store.
     *
     * @throws StoreUnavailableException if the database does not answer
     */
    public PostgresStore build() {
      return new PostgresStore(this);
    }

    @Override
    protected Builder self() {
      return this;
    }
  }
}
