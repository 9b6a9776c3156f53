package dev.reactserver.state.postgres;

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
 * order; reconnects (and listens again) after the database was away.
 */
final class ChangeListener implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger("dev.reactserver.state");
  private static final int POLL_MILLIS = 250;

  private final DataSource dataSource;
  private final String channel;
  private final Consumer<String> receiver;
  private final Thread thread;
  private final CountDownLatch listening = new CountDownLatch(1);
  private volatile boolean running = true;

  /**
   * Starts listening and returns once the first {@code LISTEN} ran, so that no change written after the
   * store was built is missed.
   *
   * @throws StoreUnavailableException if it could not listen within {@code timeout}
   */
  ChangeListener(DataSource dataSource, String channel, Consumer<String> receiver, Duration timeout) {
    this.dataSource = dataSource;
    this.channel = channel;
    this.receiver = receiver;
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
    while (running) {
      try (Connection connection = dataSource.getConnection()) {
        connection.setAutoCommit(true);
        try (Statement statement = connection.createStatement()) {
          statement.execute("LISTEN \"" + channel + "\"");
        }
        listening.countDown();
        PGConnection postgres = connection.unwrap(PGConnection.class);
        while (running) {
          PGNotification[] notifications = postgres.getNotifications(POLL_MILLIS);
          if (notifications != null) {
            for (PGNotification notification : notifications) {
              receiver.accept(notification.getParameter());
            }
          }
        }
      } catch (SQLException | RuntimeException e) {
        if (running) {
          LOG.log(System.Logger.Level.DEBUG, "listening on " + channel + " failed; listening again", e);
          pause();
        }
      }
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
