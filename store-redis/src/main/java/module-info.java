/** {@code RedisStore}: states on a Redis server that several server nodes share (Lettuce). */
module dev.reactserver.state.redis {
  requires transitive dev.reactserver.state.remote;
  requires transitive lettuce.core;

  exports dev.reactserver.state.redis;
}
