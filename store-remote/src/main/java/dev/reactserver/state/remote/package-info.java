/**
 * What applications configure on every server store: {@link dev.reactserver.state.remote.JsonCodecs},
 * how state values become JSON. Used with {@code RedisStore.builder()} and {@code PostgresStore.builder()}.
 */
package dev.reactserver.state.remote;
