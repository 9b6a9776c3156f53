package dev.reactserver.state.postgres;

import dev.reactserver.state.runtime.StateException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Creates the store's schema (table, indexes, functions) if it is missing, and checks that what is there
 * is this version's layout, saying exactly what to do otherwise.
 */
final class SchemaSetup {

  private final Jdbc jdbc;
  private final Sql sql;

  SchemaSetup(Jdbc jdbc, Sql sql) {
    this.jdbc = jdbc;
    this.sql = sql;
  }

  /** Creates what is missing (several nodes starting together take turns), then checks it. */
  void createIfMissing() {
    jdbc.withWriteConnection("create schema " + sql.schema, connection -> {
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
    check();
  }

  /** Fails naming what to do if the schema lacks the table or functions, or holds another layout. */
  void check() {
    List<String> columns = jdbc.withWriteConnection("check the layout of " + sql.schema + ".states", this::columns);
    if (columns.isEmpty()) {
      throw new StateException("the table " + sql.schema + ".states does not exist: create it with the SQL of"
          + " PostgresStore.schemaSql(\"" + sql.schema + "\"), or build the store with createSchema(true)");
    }
    requireLayout(columns);
    List<String> lacking = Sql.ADDED_COLUMNS.stream().filter(column -> !columns.contains(column)).toList();
    if (!lacking.isEmpty()) {
      throw new StateException("the table " + sql.schema + ".states lacks the columns " + lacking + " of this"
          + " version: run the SQL of PostgresStore.schemaSql(\"" + sql.schema + "\") of this version (it adds"
          + " them and keeps the data), or build the store with createSchema(true)");
    }
    if (!jdbc.withWriteConnection("check the functions of " + sql.schema, this::functionsExist)) {
      throw new StateException("the functions " + sql.schema + ".write_all and " + sql.schema + ".load_states"
          + " are not both there: run the SQL of"
          + " PostgresStore.schemaSql(\"" + sql.schema + "\") of this version (it replaces the functions and"
          + " keeps the data), or build the store with createSchema(true)");
    }
  }

  private boolean functionsExist(Connection connection) throws SQLException {
    try (PreparedStatement select = Jdbc.prepare(connection, sql.functions);
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
    try (PreparedStatement select = Jdbc.prepare(connection, sql.columns, sql.schema);
        ResultSet rows = select.executeQuery()) {
      List<String> names = new ArrayList<>();
      while (rows.next()) {
        names.add(rows.getString(1));
      }
      return names;
    }
  }
}
