package dev.reactserver.state.runtime;

/**
 * What a store tells a metrics system (the Spring Boot starter records it with Micrometer). Stores call
 * it on the threads that do the work, so implementations must be quick, thread-safe and must not
 * throw; the default methods ignore everything.
 *
 * <pre>{@code
 * new InMemoryStore(StoreOptions.builder().metrics(myMetrics).build());
 * RedisStore.builder(uri).metrics(myMetrics).build();
 * }</pre>
 */
public interface StoreMetrics {

  /** Records nothing: the default of every store. */
  StoreMetrics NONE = new StoreMetrics() {};

  /** A state of a scope of {@code kind} was written: set, updated, incremented or overwritten. */
  default void stateWritten(ScopeKind kind) {}

  /** An optimistic update lost to another writer and runs its function again (server stores). */
  default void updateRetried() {}

  /** A listener threw (the write stood and the other listeners were told). */
  default void listenerFailed() {}

  /**
   * A server store finished one call to its server, {@code operation} being a fixed name such as
   * {@code "get"} or {@code "increment"}, in {@code nanos}; {@code failed} if it threw.
   */
  default void serverCall(String operation, long nanos, boolean failed) {}
}
