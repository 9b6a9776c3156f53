/**
 * {@link dev.reactserver.state.redis.RedisStore}: states on a Redis server that several server nodes
 * share, written by Lua scripts and told to every node over pub/sub. Applications build one per node.
 */
package dev.reactserver.state.redis;
