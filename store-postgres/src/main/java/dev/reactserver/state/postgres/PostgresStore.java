package dev.reactserver.state.postgres;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.reactserver.state.remote.spi.CompareAndSetResult;
import dev.reactserver.state.remote.spi.NumberKind;
import dev.reactserver.state.remote.spi.RemoteStore;
import dev.reactserver.state.remote.spi.RemoteStoreBuilder;
import dev.reactserver.state.remote.spi.StateSeed;
import dev.reactserver.state.remote.spi.StoredState;
import dev.reactserver.state.remote.spi.Written;
import dev.reactserver.state.runtime.StateException;
import dev.reactserver.state.runtime.StateId;
import dev.reactserver.state.runtime.StoreUnavailableException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
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
 * expires_at)} with the value as JSON text, the change table {@code <schema>.changes}, functions (among
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
  private static final String NUMERIC_VALUE_OUT_OF_RANGE = "22003";
  private static final String INVALID_TEXT_REPRESENTATION = "22P02";
  /** The kinds of write {@link Sql#writeAll} runs, and its outcomes. */
  private static final String SET = "set";
  private static final String COMPARE_AND_SET = "cas";
  private static final String ADD_INT = "int";
  private static final String ADD_LONG = "long";
  private static final String WRITTEN = "written";
  private static final String LOST = "lost";
  private static final String BUSY = "busy";
  private static final Written NOT_ADDED = new Written(null, null, -1); // overflow or not a number
  /**
   * Batches of writes in flight at once. One: notifying transactions commit one at a time anyway (see
   * {@link Sql#writeAll}), and a second batch in flight only splits the writes into smaller batches
   * (measured: 16 threads setting distinct states ran at 8.9 writes/ms with one, 6.6 with two).
   */
  private static final int WRITE_RUNNERS = 1;
  private static final int MAX_WRITES_PER_BATCH = 64;

  private final DataSource dataSource;
  private final HikariDataSource ownedPool;
  private final Sql sql;
  private final ChangeListener listener;
  private final ScheduledExecutorService sweeper;
  private final WriteCombiner<Write, Outcome> writes =
      new WriteCombiner<>(WRITE_RUNNERS, MAX_WRITES_PER_BATCH, this::runWrites);
  private volatile boolean sweepFailing;

  private PostgresStore(Builder builder) {
    super(builder, "postgres-" + builder.schema);
    this.sql = new Sql(builder.schema);
    this.ownedPool = builder.dataSource == null ? pool(builder) : null;
    this.dataSource = ownedPool != null ? ownedPool : builder.dataSource;
    try {
      if (builder.createSchema) {
        createSchema();
      }
      checkLayout();
      this.listener = new ChangeListener(dataSource, sql.channel, sql.logged, this::receive,
          this::changeChannelRestored, commandTimeout().multipliedBy(5));
      long idle = idleClientTimeoutMillis();
      this.sweeper = idle == 0 ? null : Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "reactserver-state-sweeper-" + builder.schema);
        thread.setDaemon(true);
        return thread;
      });
      if (sweeper != null) {
        long every = Math.max(idle / 4, 50);
        sweeper.scheduleWithFixedDelay(this::sweep, every, every, TimeUnit.MILLISECONDS);
      }
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
    List<StoredState> loaded = call("bind " + n + " states", connection -> {
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
    return read("read " + id, sql.value, rows -> rows.next() ? rows.getString(1) : null, id.scope(), id.key());
  }

  @Override
  protected StoredState state(StateId id) {
    return read("read " + id, sql.state, rows -> rows.next()
        ? new StoredState(id, rows.getString(1), rows.getLong(2), rows.getString(3), rows.getString(4))
        : null, id.scope(), id.key());
  }

  @Override
  protected Written set(StateId id, String value) {
    return write(new Write(SET, id, value, 0, "write " + id)).written();
  }

  @Override
  protected CompareAndSetResult compareAndSet(StateId id, long version, String value) {
    Written written = write(new Write(COMPARE_AND_SET, id, value, version, "update " + id)).written();
    return written != null ? CompareAndSetResult.wrote(written) : CompareAndSetResult.lost(null);
  }

  @Override
  protected Written add(StateId id, NumberKind kind, String delta) {
    if (kind == NumberKind.DOUBLE) {
      try {
        return query("add to " + id, sql.addDouble, PostgresStore::written, id.scope(), id.key(), delta);
      } catch (StateException e) {
        if (e.getCause() instanceof SQLException cause
            && (NUMERIC_VALUE_OUT_OF_RANGE.equals(cause.getSQLState())
                || INVALID_TEXT_REPRESENTATION.equals(cause.getSQLState()))) {
          return NOT_ADDED;
        }
        throw e;
      }
    }
    Outcome outcome = write(new Write(kind == NumberKind.INT ? ADD_INT : ADD_LONG, id, delta, 0, "add to " + id));
    return LOST.equals(outcome.outcome()) ? NOT_ADDED : outcome.written();
  }

  /**
   * Runs one write of {@link Sql#writeAll}, together with those other threads make meanwhile; if another
   * transaction holds its row, alone on this thread, waiting for the row while other batches go on.
   */
  private Outcome write(Write write) {
    refuseWriteWhileHolding(write.what());
    Outcome outcome = writes.run(write);
    if (BUSY.equals(outcome.outcome())) {
      outcome = runAlone(write);
    }
    if (outcome.failure() != null) {
      outcome.failure().fillInStackTrace(); // made by the thread that ran the batch: show this caller's
      throw outcome.failure();
    }
    return outcome;
  }

  /**
   * Runs a batch of writes in one statement, none waiting for a row ({@code busy} instead); if the server
   * refuses the batch (not for being unreachable), each write alone, so that one refused write fails no
   * other.
   */
  private List<Outcome> runWrites(List<Write> batch) {
    try {
      return onPooledConnection("write " + batch.size() + " states", connection -> writeAll(connection, batch, false));
    } catch (StateException e) {
      if (batch.size() > 1 && !(e instanceof StoreUnavailableException)) {
        return batch.stream().map(this::runAlone).toList();
      }
      return batch.stream().map(write -> failed(write, e)).toList();
    }
  }

  /** Runs one write in a statement of its own, waiting for its row if another transaction holds it. */
  private Outcome runAlone(Write write) {
    try {
      return onPooledConnection(write.what(), connection -> writeAll(connection, List.of(write), true)).get(0);
    } catch (StateException e) {
      return failed(write, e);
    }
  }

  private static Outcome failed(Write write, StateException e) {
    return new Outcome(null, null, e.getCause() instanceof SQLException cause ? failure(write.what(), cause) : e);
  }

  private List<Outcome> writeAll(Connection connection, List<Write> batch, boolean waitForFirst)
      throws SQLException {
    int n = batch.size();
    String[] kinds = new String[n];
    String[] scopes = new String[n];
    String[] keys = new String[n];
    String[] arguments = new String[n];
    Long[] versions = new Long[n];
    for (int i = 0; i < n; i++) {
      Write write = batch.get(i);
      kinds[i] = write.kind();
      scopes[i] = write.id().scope();
      keys[i] = write.id().key();
      arguments[i] = write.argument();
      versions[i] = write.version();
    }
    try (PreparedStatement statement = connection.prepareStatement(sql.writeAll)) {
      statement.setArray(1, connection.createArrayOf("text", kinds));
      statement.setArray(2, connection.createArrayOf("text", scopes));
      statement.setArray(3, connection.createArrayOf("text", keys));
      statement.setArray(4, connection.createArrayOf("text", arguments));
      statement.setArray(5, connection.createArrayOf("int8", versions));
      statement.setBoolean(6, waitForFirst);
      List<Outcome> outcomes = new ArrayList<>(java.util.Collections.nCopies(n, (Outcome) null));
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          String outcome = rows.getString(2);
          Written written = WRITTEN.equals(outcome)
              ? new Written(rows.getString(3), rows.getString(4), rows.getLong(5)) : null;
          outcomes.set(rows.getInt(1) - 1, new Outcome(outcome, written, null));
        }
      }
      return outcomes;
    }
  }

  @Override
  protected CompareAndSetResult updateExclusively(StateId id, UnaryOperator<String> next) {
    return call("update " + id, connection -> {
      connection.setAutoCommit(false);
      try {
        String current = valueForUpdate(connection, id);
        String value = current == null ? null
            : applyWhileHolding(next, current, new HeldConnection(dataSource, connection));
        Written written = null;
        if (value != null) {
          written = writeAll(connection, List.of(new Write(SET, id, value, 0, "update " + id)), true).get(0).written();
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
    try (PreparedStatement select = prepare(connection, sql.valueForUpdate, id.scope(), id.key());
        ResultSet rows = select.executeQuery()) {
      return rows.next() ? rows.getString(1) : null;
    }
  }

  @Override
  protected Written createOrSet(StateSeed seed) {
    StateId id = seed.id();
    for (int attempt = 0; ; attempt++) {
      int inserted = update("create " + id, sql.insert, id.scope(), id.key(), seed.initial(), seed.declaration(),
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
    return read("read " + id, sql.exists, ResultSet::next, id.scope(), id.key());
  }

  @Override
  protected boolean delete(StateId id) {
    return deleteAndEnd("delete " + id, sql.delete, null, id.scope(), id.key()) == 1;
  }

  @Override
  protected int deleteStatesIn(String scope) {
    return deleteAndEnd("delete scope " + scope, sql.deleteScope, Set.of(scope), scope);
  }

  @Override
  protected List<StoredState> list(String scope) {
    String statement = scope == null ? sql.list : sql.listScope;
    Object[] parameters = scope == null ? new Object[0] : new Object[] {scope};
    return read("list states", statement, rows -> {
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
    update("touch " + client, sql.touch, idleMillis, client);
  }

  @Override
  protected boolean redeclare(StateId id, long version, String declaration, String type, String value) {
    if (update("declare " + id, sql.redeclare, id.scope(), id.key(), declaration, type, version) == 0) {
      return false;
    }
    return value == null || compareAndSet(id, version, value).written() != null;
  }

  @Override
  protected void closeServer() {
    try {
      if (sweeper != null) {
        sweeper.shutdownNow();
      }
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

  // ---- statements ----

  private void createSchema() {
    call("create schema " + sql.schema, connection -> {
      boolean autoCommit = connection.getAutoCommit();
      connection.setAutoCommit(false);
      try (Statement statement = connection.createStatement()) {
        // Nodes starting together would race on CREATE … IF NOT EXISTS: one at a time.
        statement.execute("SELECT pg_advisory_xact_lock(hashtext('reactserver-state:" + sql.schema + "'))");
        requireLayout(columns(connection));
        statement.execute(sql.createSchema);
        connection.commit();
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      } finally {
        connection.setAutoCommit(autoCommit);
      }
      return null;
    });
  }

  /** Fails naming what to do if the schema lacks the table, or holds one of another layout. */
  private void checkLayout() {
    List<String> columns = call("check the layout of " + sql.schema + ".states", this::columns);
    if (columns.isEmpty()) {
      throw new StateException("the table " + sql.schema + ".states does not exist: create it with the SQL of"
          + " PostgresStore.schemaSql(\"" + sql.schema + "\"), or build the store with createSchema(true)");
    }
    requireLayout(columns);
    if (!call("check the functions of " + sql.schema, this::functionsExist)) {
      throw new StateException("the functions " + sql.schema + ".write_all and " + sql.schema + ".load_states"
          + " are not both there: run the SQL of"
          + " PostgresStore.schemaSql(\"" + sql.schema + "\") of this version (it replaces the functions and"
          + " keeps the data), or build the store with createSchema(true)");
    }
  }

  private boolean functionsExist(Connection connection) throws SQLException {
    try (PreparedStatement select = prepare(connection, sql.functions);
        ResultSet rows = select.executeQuery()) {
      return rows.next() && rows.getBoolean(1);
    }
  }

  private void requireLayout(List<String> columns) {
    if (!columns.isEmpty() && !columns.containsAll(Sql.COLUMNS)) {
      throw new StateException("the table " + sql.schema + ".states has the columns " + columns + ", not the "
          + Sql.COLUMNS + " this version needs: it was created by another version; use a new schema");
    }
  }

  /** The columns of the states table, none if it does not exist. */
  private List<String> columns(Connection connection) throws SQLException {
    try (PreparedStatement select = prepare(connection, sql.columns, sql.schema);
        ResultSet rows = select.executeQuery()) {
      List<String> names = new ArrayList<>();
      while (rows.next()) {
        names.add(rows.getString(1));
      }
      return names;
    }
  }

  /**
   * Deletes expired client states in batches; if a batch fails for another reason than an unreachable
   * database, state by state, so that one state that cannot be deleted keeps no other client alive.
   */
  private void sweep() {
    try {
      while (deleteAndEnd("sweep expired client states", sql.deleteExpired, Set.of()) == Sql.SWEEP_BATCH) {
        // more expired states wait
      }
      sweepFailing = false;
    } catch (StoreUnavailableException e) {
      // Once per outage at WARNING: the calls of the application report the outage too.
      LOG.log(sweepFailing ? System.Logger.Level.DEBUG : System.Logger.Level.WARNING, "ending idle clients of "
          + this + " failed; the next sweep tries again", e);
      sweepFailing = true;
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "ending idle clients of " + this + " failed; ending them one state"
          + " at a time", e);
      sweepStateByState();
    }
  }

  private void sweepStateByState() {
    List<StateId> expired;
    try {
      expired = read("list expired client states", sql.expired, rows -> {
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
        deleteAndEnd("end expired state " + id, sql.deleteExpiredState, Set.of(), id.scope(), id.key());
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "cannot end expired state " + shortened(id) + " of an idle client", e);
      }
    }
  }

  /** The id for a log line: ids may be kilobytes long. */
  private static String shortened(StateId id) {
    String shown = id.toString();
    return shown.length() > 200 ? shown.substring(0, 200) + "… (" + shown.length() + " characters)" : shown;
  }

  /**
   * Runs a deleting statement (its rows name the scope of each deleted state) and then, in the same
   * transaction, tells the end of those scopes and of {@code endedScopes}, unless that is null (a
   * single deletion ends no scope); returns how many states were deleted.
   */
  private int deleteAndEnd(String what, String statement, Set<String> endedScopes, Object... parameters) {
    return call(what, connection -> {
      boolean autoCommit = connection.getAutoCommit();
      connection.setAutoCommit(false);
      try {
        Set<String> scopes = new LinkedHashSet<>();
        int deleted = 0;
        try (PreparedStatement delete = prepare(connection, statement, parameters);
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

  private static Written written(ResultSet rows) throws SQLException {
    return rows.next() ? new Written(rows.getString(1), rows.getString(2), rows.getLong(3)) : null;
  }

  /**
   * Runs a statement that writes nothing; on the held connection if this thread holds a state of a store
   * on the same pool (a second connection could wait for a pool that held updates have emptied).
   */
  private <T> T read(String what, String statement, RowReader<T> reader, Object... parameters) {
    Work<T> work = connection -> {
      try (PreparedStatement prepared = prepare(connection, statement, parameters);
          ResultSet rows = prepared.executeQuery()) {
        return reader.read(rows);
      }
    };
    if (heldResource() instanceof HeldConnection held && held.dataSource == dataSource) {
      try {
        return work.run(held.connection);
      } catch (SQLException e) {
        throw failure(what, e);
      }
    }
    return onPooledConnection(what, work);
  }

  private <T> T query(String what, String statement, RowReader<T> reader, Object... parameters) {
    return call(what, connection -> {
      try (PreparedStatement prepared = prepare(connection, statement, parameters);
          ResultSet rows = prepared.executeQuery()) {
        return reader.read(rows);
      }
    });
  }

  private int update(String what, String statement, Object... parameters) {
    return call(what, connection -> {
      try (PreparedStatement prepared = prepare(connection, statement, parameters)) {
        return prepared.executeUpdate();
      }
    });
  }

  private static PreparedStatement prepare(Connection connection, String statement, Object... parameters)
      throws SQLException {
    PreparedStatement prepared = connection.prepareStatement(statement);
    for (int i = 0; i < parameters.length; i++) {
      Object parameter = parameters[i];
      if (parameter instanceof String[] array) {
        prepared.setArray(i + 1, connection.createArrayOf("text", array));
      } else {
        prepared.setObject(i + 1, parameter);
      }
    }
    return prepared;
  }

  /**
   * Runs {@code work}, which may write, on a pooled connection; refused while this thread holds a state
   * for an exclusive update (see {@link #updateExclusively}).
   */
  private <T> T call(String what, Work<T> work) {
    refuseWriteWhileHolding(what);
    return onPooledConnection(what, work);
  }

  /**
   * Runs {@code work} on a pooled connection in auto-commit mode (each statement its own transaction, as
   * every write here is one statement), whatever the pool's default; an unreachable database is a
   * {@link StoreUnavailableException}.
   */
  private <T> T onPooledConnection(String what, Work<T> work) {
    try (Connection connection = dataSource.getConnection()) {
      if (connection.getAutoCommit()) {
        return work.run(connection);
      }
      connection.setAutoCommit(true); // a pool that leaves commits to its users would drop every write
      try {
        return work.run(connection);
      } finally {
        connection.setAutoCommit(false);
      }
    } catch (SQLException e) {
      throw failure(what, e);
    }
  }

  private static StateException failure(String what, SQLException e) {
    if (unavailable(e)) {
      return new StoreUnavailableException("PostgreSQL is unavailable (" + what + "): " + e.getMessage(), e);
    }
    return new StateException("PostgreSQL refused to " + what + ": " + e.getMessage(), e);
  }

  static boolean unavailable(SQLException e) {
    String state = e.getSQLState();
    return e instanceof SQLTransientConnectionException || e instanceof SQLRecoverableException
        || e instanceof SQLTimeoutException
        || state != null && (state.startsWith("08") || state.startsWith("57P") || state.startsWith("53"));
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

  /** One write of {@link Sql#writeAll}: its kind, state, value or delta, expected version (compare-and-set). */
  private record Write(String kind, StateId id, String argument, long version, String what) {}

  /** What became of a write: the function's outcome and the write; or the failure to tell its caller. */
  private record Outcome(String outcome, Written written, StateException failure) {}

  /** The connection whose transaction holds a state's row while the update's function runs. */
  private record HeldConnection(DataSource dataSource, Connection connection) {}

  @FunctionalInterface
  private interface Work<T> {
    T run(Connection connection) throws SQLException;
  }

  @FunctionalInterface
  private interface RowReader<T> {
    T read(ResultSet rows) throws SQLException;
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
