/**
 * {@link dev.reactserver.state.postgres.PostgresStore}: states in one PostgreSQL table that several
 * server nodes share, with changes told over LISTEN/NOTIFY. Applications build one per node.
 */
package dev.reactserver.state.postgres;
