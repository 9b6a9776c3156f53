package dev.reactserver.state.postgres;

import com.zaxxer.hikari.HikariDataSource;
import dev.reactserver.state.remote.spi.ReaderThread;
import dev.reactserver.state.runtime.StoreUnavailableException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Holds one connection that {@code LISTEN}s to the store's channel and hands every change message on, in
 * order (a message too long for NOTIFY is read from the change log it names, on the same connection);
 * reconnects (and listens again) after the database was away, then calls {@code restored} (the
 * notifications sent meanwhile are lost). A connection that failed is evicted from the pool, never
 * handed out again.
 */
final class ChangeListener implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger("dev.reactserver.state");
  private static final int POLL_MILLIS = 250;
  private static final Pattern LOGGED = Pattern.compile("\\{\\s*\"l\"\\s*:\\s*(\\d+)\\s*}");

  private final DataSource dataSource;
  private final String channel;
  private final String loggedMessage;
  private final Consumer<String> receiver;
  private final Runnable restored;
  private final ReaderThread reader;
  private final CountDownLatch listening = new CountDownLatch(1);

  /**
   * Starts listening and returns once the first {@code LISTEN} ran, so that no change written after the
   * store was built is missed.
   *
   * @throws StoreUnavailableException if it could not listen within {@code timeout}
   */
  ChangeListener(DataSource dataSource, String channel, String loggedMessage, Consumer<String> receiver,
      Runnable restored, Duration timeout) {
    this.dataSource = dataSource;
    this.channel = channel;
    this.loggedMessage = loggedMessage;
    this.receiver = receiver;
    this.restored = restored;
    this.reader = new ReaderThread("reactserver-state-listen-" + channel, this::listen);
    reader.start();
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
    while (reader.running()) {
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
        while (reader.running()) {
          PGNotification[] notifications = postgres.getNotifications(POLL_MILLIS);
          if (notifications != null) {
            for (PGNotification notification : notifications) {
              String message = message(connection, notification.getParameter());
              if (message != null) {
                receiver.accept(message);
              }
            }
          }
        }
        connection.close();
      } catch (SQLException | RuntimeException e) {
        discard(connection);
        if (reader.running()) {
          // Once per outage at WARNING: listeners on this node hear nothing until it is back.
          LOG.log(failing ? System.Logger.Level.DEBUG : System.Logger.Level.WARNING, "listening on " + channel
              + " failed; listeners of this node hear other nodes' changes again once it is back", e);
          failing = true;
          reader.pause(POLL_MILLIS);
        }
      }
    }
  }

  /**
   * The change message {@code notified} is, or names: {@code {"l" : seq}} stands for a message of the change
   * log. Null if that entry is gone (kept an hour): then every listener is caught up instead.
   */
  private String message(Connection connection, String notified) throws SQLException {
    Matcher logged = LOGGED.matcher(notified);
    if (!logged.matches()) {
      return notified;
    }
    try (PreparedStatement select = connection.prepareStatement(loggedMessage)) {
      select.setLong(1, Long.parseLong(logged.group(1)));
      try (ResultSet rows = select.executeQuery()) {
        if (rows.next()) {
          return rows.getString(1);
        }
      }
    }
    LOG.log(System.Logger.Level.WARNING, "change " + logged.group(1) + " of " + channel + " is no longer in the"
        + " change log; listeners are told what they missed");
    restored.run();
    return null;
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

  @Override
  public void close() {
    reader.stop(false); // the loop sees it within one poll; an interrupt could break the connection
  }
}
