package dev.reactserver.state.postgres;

import com.zaxxer.hikari.HikariDataSource;
import dev.reactserver.state.runtime.Store;
import dev.reactserver.state.tck.SharedStoreConformanceTest;
import dev.reactserver.state.tck.TcpProxy;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Several PostgreSQL store instances on one real PostgreSQL of this class's own, which the outage test
 * stops and starts again on the same data directory and port.
 */
class PostgresSharedStoreTest extends SharedStoreConformanceTest {

  private static final Set<String> EXECUTIONS = Set.of("execute", "executeQuery", "executeUpdate", "executeBatch");
  /** Statements executed, by the thread that executed them: a listening or sweeping thread is not the test's. */
  private static final Map<Thread, AtomicLong> STATEMENTS = new ConcurrentHashMap<>();
  private static Path data;
  private static int port;
  private static EmbeddedPostgres server;
  private static HikariDataSource pool;
  private static DataSource counted;

  @BeforeAll
  static void startPostgres() throws IOException {
    data = Files.createTempDirectory("reactserver-postgres");
    server = TestPostgres.start(data, 0);
    port = server.getPort();
    pool = TestPostgres.pool(server.getJdbcUrl("postgres", "postgres"), "postgres", null, 14);
    counted = counting(pool);
  }

  @AfterAll
  static void stopPostgres() {
    pool.close();
    TestPostgres.stop(server);
  }

  @Override
  protected Store newStore(String namespace, Settings settings) {
    return PostgresStore.builder(counted).schema(namespace)
        .idleClientTimeout(settings.idleClientTimeout())
        .updateAttempts(settings.updateAttempts())
        .resetUndecodableStates(settings.resetUndecodable())
        .build();
  }

  @Override
  protected Store newStoreThrough(String namespace, TcpProxy proxy) {
    return PostgresStore.builder("jdbc:postgresql://localhost:" + proxy.port() + "/postgres", "postgres", null)
        .schema(namespace).poolSize(3).commandTimeout(Duration.ofSeconds(2)).build();
  }

  @Override
  protected InetSocketAddress serverAddress() {
    return new InetSocketAddress("localhost", port);
  }

  @Override
  protected void close(Store store) {
    ((PostgresStore) store).close();
  }

  @Override
  protected void stopServer() {
    TestPostgres.stop(server);
  }

  @Override
  protected void startServer() {
    server = TestPostgres.start(data, port);
  }

  @Override
  protected long roundTrips() {
    return STATEMENTS.computeIfAbsent(Thread.currentThread(), thread -> new AtomicLong()).get();
  }

  /** The data source, counting every statement its connections execute: one round trip each. */
  private static DataSource counting(DataSource target) {
    return proxy(DataSource.class, target, (method, result) -> method.equals("getConnection")
        ? proxy(Connection.class, result, (inner, statement) -> statement instanceof Statement
            ? proxy(statementType(statement), statement, (call, value) -> value) : statement)
        : result);
  }

  private static Class<?> statementType(Object statement) {
    return statement instanceof java.sql.PreparedStatement ? java.sql.PreparedStatement.class : Statement.class;
  }

  private interface Wrap {
    Object wrap(String method, Object result);
  }

  private static <T> T proxy(Class<T> type, Object target, Wrap wrap) {
    InvocationHandler handler = (self, method, args) -> {
      if (type != DataSource.class && type != Connection.class && EXECUTIONS.contains(method.getName())) {
        STATEMENTS.computeIfAbsent(Thread.currentThread(), thread -> new AtomicLong()).incrementAndGet();
      }
      try {
        return wrap.wrap(method.getName(), method.invoke(target, args));
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    };
    return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, handler));
  }
}
