package dev.reactserver.state.postgres;

import dev.reactserver.state.remote.spi.HeldUpdates;
import dev.reactserver.state.remote.spi.StoreMessages;
import dev.reactserver.state.runtime.StateException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientConnectionException;
import javax.sql.DataSource;

/**
 * How the store reaches its database: which connection a statement runs on, and how a failure is told.
 * A read runs on the connection of the update this thread holds a state for, if it is on the same pool
 * (a second connection could wait for a pool that held updates have emptied), else on a pooled one; a
 * write is refused while this thread holds a state ({@link HeldUpdates#refuseWrite}) and runs on a
 * pooled connection in auto-commit mode. An unreachable database is a {@code StoreUnavailableException},
 * a refusal a {@link StateException}.
 */
final class Jdbc {

  private final DataSource dataSource;

  Jdbc(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  DataSource dataSource() {
    return dataSource;
  }

  /** Runs a statement that writes nothing and reads its rows. */
  <T> T read(String what, String statement, RowReader<T> reader, Object... parameters) {
    Work<T> work = connection -> {
      try (PreparedStatement prepared = prepare(connection, statement, parameters);
          ResultSet rows = prepared.executeQuery()) {
        return reader.read(rows);
      }
    };
    if (HeldUpdates.heldResource() instanceof HeldConnection held && held.dataSource() == dataSource) {
      try {
        return work.run(held.connection());
      } catch (SQLException e) {
        throw failure(what, e);
      }
    }
    return withPooledConnection(what, work);
  }

  /** Runs a writing statement and reads the rows it returns. */
  <T> T writeReturningRows(String what, String statement, RowReader<T> reader, Object... parameters) {
    return withWriteConnection(what, connection -> {
      try (PreparedStatement prepared = prepare(connection, statement, parameters);
          ResultSet rows = prepared.executeQuery()) {
        return reader.read(rows);
      }
    });
  }

  /** Runs a writing statement; how many rows it changed. */
  int writeCounting(String what, String statement, Object... parameters) {
    return withWriteConnection(what, connection -> {
      try (PreparedStatement prepared = prepare(connection, statement, parameters)) {
        return prepared.executeUpdate();
      }
    });
  }

  /** Runs {@code work}, which may write, on a pooled connection; refused while this thread holds a state. */
  <T> T withWriteConnection(String what, Work<T> work) {
    HeldUpdates.refuseWrite(what);
    return withPooledConnection(what, work);
  }

  /**
   * Runs {@code work} on a pooled connection in auto-commit mode (each statement its own transaction, as
   * every write here is one statement), whatever the pool's default.
   */
  <T> T withPooledConnection(String what, Work<T> work) {
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

  /** Prepares {@code statement} with {@code parameters}; a {@code String[]} becomes a {@code text[]}. */
  static PreparedStatement prepare(Connection connection, String statement, Object... parameters)
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

  static StateException failure(String what, SQLException e) {
    return unavailable(e) ? StoreMessages.unavailable("PostgreSQL", what, e)
        : StoreMessages.refused("PostgreSQL", what, e);
  }

  static boolean unavailable(SQLException e) {
    String state = e.getSQLState();
    return e instanceof SQLTransientConnectionException || e instanceof SQLRecoverableException
        || e instanceof SQLTimeoutException
        || state != null && (state.startsWith("08") || state.startsWith("57P") || state.startsWith("53"));
  }

  /** The connection whose transaction holds a state's row while the update's function runs. */
  record HeldConnection(DataSource dataSource, Connection connection) {}

  @FunctionalInterface
  interface Work<T> {
    T run(Connection connection) throws SQLException;
  }

  @FunctionalInterface
  interface RowReader<T> {
    T read(ResultSet rows) throws SQLException;
  }
}
