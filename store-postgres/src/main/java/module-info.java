/** {@code PostgresStore}: states in a PostgreSQL table that several server nodes share. */
module dev.reactserver.state.postgres {
  requires transitive dev.reactserver.state.remote;
  requires transitive java.sql;
  requires com.zaxxer.hikari;
  requires org.postgresql.jdbc;

  exports dev.reactserver.state.postgres;
}
