package dev.reactserver.state.postgres;

import com.zaxxer.hikari.HikariDataSource;
import dev.reactserver.state.runtime.StoreUnavailableException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Holds one connection that {@code LISTEN}s to the store's channel and hands every notification on, in
 * order; reconnects (and listens again) after the database was away, then calls {@code restored} (the
 * notifications sent meanwhile are lost). A connection that failed is evicted from the pool, never
 * handed out again.
 */
final class ChangeListener implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger("dev.reactserver.state");
  private static final int POLL_MILLIS = 250;

  private final DataSource dataSource;
  private final String channel;
  private final Consumer<String> receiver;
  private final Runnable restored;
  private final Thread thread;
  private final CountDownLatch listening = new CountDownLatch(1);
  private volatile boolean running = true;

  /**
   * Starts listening and returns once the first {@code LISTEN} ran, so that no change written after the
   * store was built is missed.
   *
   * @throws StoreUnavailableException if it could not listen within {@code timeout}
   */
  ChangeListener(DataSource dataSource, String channel, Consumer<String> receiver, Runnable restored,
      Duration timeout) {
    this.dataSource = dataSource;
    this.channel = channel;
    this.receiver = receiver;
    this.restored = restored;
    this.thread = new Thread(this::listen, "reactserver-state-listen-" + channel);
    thread.setDaemon(true);
    thread.start();
    try {
      if (!listening.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        close();
        throw new StoreUnavailableException("PostgreSQL did not accept LISTEN \"" + channel + "\" within "
            + timeout + ": changes of other nodes could not be heard", null);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      close();
      throw new StoreUnavailableException("interrupted while starting to listen on " + channel, e);
    }
  }

  private void listen() {
    boolean listenedBefore = false;
    boolean failing = false;
    while (running) {
      Connection connection = null;
      try {
        connection = dataSource.getConnection();
        connection.setAutoCommit(true);
        try (Statement statement = connection.createStatement()) {
          statement.execute("LISTEN \"" + channel + "\"");
        }
        listening.countDown();
        if (listenedBefore) {
          LOG.log(System.Logger.Level.INFO, "listening on " + channel + " again; listeners are told what"
              + " they missed");
          restored.run();
        }
        listenedBefore = true;
        failing = false;
        PGConnection postgres = connection.unwrap(PGConnection.class);
        while (running) {
          PGNotification[] notifications = postgres.getNotifications(POLL_MILLIS);
          if (notifications != null) {
            for (PGNotification notification : notifications) {
              receiver.accept(notification.getParameter());
            }
          }
        }
        connection.close();
      } catch (SQLException | RuntimeException e) {
        discard(connection);
        if (running) {
          // Once per outage at WARNING: listeners on this node hear nothing until it is back.
          LOG.log(failing ? System.Logger.Level.DEBUG : System.Logger.Level.WARNING, "listening on " + channel
              + " failed; listeners of this node hear other nodes' changes again once it is back", e);
          failing = true;
          pause();
        }
      }
    }
  }

  /** Closes a connection that failed so that its pool drops it instead of handing it out again. */
  private void discard(Connection connection) {
    if (connection == null) {
      return;
    }
    try {
      if (dataSource instanceof HikariDataSource pool) {
        pool.evictConnection(connection);
        return;
      }
      connection.abort(Runnable::run);
    } catch (SQLException | RuntimeException ignored) {
      // the connection is gone either way
    }
    try {
      connection.close();
    } catch (SQLException ignored) {
      // already closed
    }
  }

  private void pause() {
    try {
      Thread.sleep(POLL_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    }
  }

  @Override
  public void close() {
    running = false;
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
