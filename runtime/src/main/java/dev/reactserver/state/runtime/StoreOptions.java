package dev.reactserver.state.runtime;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;

/**
 * How a store cleans up, tells listeners and protects its memory. Immutable; build one with
 * {@link #builder()}:
 *
 * <pre>{@code
 * Store store = new InMemoryStore(StoreOptions.builder()
 *     .idleClientTimeout(Duration.ofMinutes(10))
 *     .maxStates(5_000_000)
 *     .listenerExecutor(Executors.newVirtualThreadPerTaskExecutor())
 *     .build());
 * }</pre>
 */
public final class StoreOptions {

  /** The idle timeout of {@link #defaults()}: the usual HTTP session timeout. */
  public static final Duration DEFAULT_IDLE_CLIENT_TIMEOUT = Duration.ofMinutes(30);

  private static final StoreOptions DEFAULTS = builder().build();

  private final Duration idleClientTimeout;
  private final Clock clock;
  private final Executor listenerExecutor;
  private final long maxStates;
  private final StoreMetrics metrics;

  private StoreOptions(Builder builder) {
    this.idleClientTimeout = builder.idleClientTimeout;
    this.clock = builder.clock;
    this.listenerExecutor = builder.listenerExecutor;
    this.maxStates = builder.maxStates;
    this.metrics = builder.metrics;
  }

  /**
   * The defaults: clients idle for {@link #DEFAULT_IDLE_CLIENT_TIMEOUT} are ended, the system UTC clock,
   * listeners told on the writing thread, no cap on the number of states.
   */
  public static StoreOptions defaults() {
    return DEFAULTS;
  }

  /** A builder that starts from the {@link #defaults()}. */
  public static Builder builder() {
    return new Builder();
  }

  /** How long a client may go unseen before its states are removed; empty if never. */
  public Optional<Duration> idleClientTimeout() {
    return Optional.ofNullable(idleClientTimeout);
  }

  /** The clock idle timeouts are measured with. */
  public Clock clock() {
    return clock;
  }

  /** Where listeners run; empty if on the writing thread. */
  public Optional<Executor> listenerExecutor() {
    return Optional.ofNullable(listenerExecutor);
  }

  /** The most states the store holds at once. */
  public long maxStates() {
    return maxStates;
  }

  /** What the store tells of its work ({@link StoreMetrics#NONE}: nothing). */
  public StoreMetrics metrics() {
    return metrics;
  }

  @Override
  public String toString() {
    return "StoreOptions[idleClientTimeout=" + (idleClientTimeout == null ? "never" : idleClientTimeout)
        + ", clock=" + clock + ", listenerExecutor="
        + (listenerExecutor == null ? "writing thread" : listenerExecutor) + ", maxStates="
        + (maxStates == Long.MAX_VALUE ? "unlimited" : maxStates) + "]";
  }

  /** Builds {@link StoreOptions}; not thread-safe. */
  public static final class Builder {

    private Duration idleClientTimeout = DEFAULT_IDLE_CLIENT_TIMEOUT;
    private Clock clock = Clock.systemUTC();
    private Executor listenerExecutor;
    private long maxStates = Long.MAX_VALUE;
    private StoreMetrics metrics = StoreMetrics.NONE;

    private Builder() {}

    /**
     * Ends a client (as {@link Store#endClient} does) once it has not been seen for {@code timeout}. A
     * client is seen whenever one of its states is bound ({@link StateContext#bind},
     * {@link Store#getState}) or {@link Store#touchClient} names it.
     *
     * @throws IllegalArgumentException if {@code timeout} is zero or negative
     */
    public Builder idleClientTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isZero() || timeout.isNegative()) {
        throw new IllegalArgumentException(
            "idleClientTimeout must be positive, but was " + timeout + "; use noIdleClientTimeout()");
      }
      this.idleClientTimeout = timeout;
      return this;
    }

    /** Keeps client states until {@link Store#endClient} removes them. */
    public Builder noIdleClientTimeout() {
      this.idleClientTimeout = null;
      return this;
    }

    /** The clock for idle timeouts; tests pass a fake one. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Runs listeners on {@code executor} instead of the writing thread. Changes of one state are still
     * told one at a time and in order.
     */
    public Builder listenerExecutor(Executor executor) {
      this.listenerExecutor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /** Tells listeners on the writing thread (the default). */
    public Builder synchronousListeners() {
      this.listenerExecutor = null;
      return this;
    }

    /**
     * Caps the number of states; creating one more throws {@link StateLimitException}.
     *
     * @throws IllegalArgumentException if {@code maxStates} is not positive
     */
    public Builder maxStates(long maxStates) {
      if (maxStates <= 0) {
        throw new IllegalArgumentException("maxStates must be positive, but was " + maxStates);
      }
      this.maxStates = maxStates;
      return this;
    }

    /** Tells {@code metrics} of writes and listener failures; {@link StoreMetrics#NONE} by default. */
    public Builder metrics(StoreMetrics metrics) {
      this.metrics = Objects.requireNonNull(metrics, "metrics");
      return this;
    }

    public StoreOptions build() {
      return new StoreOptions(this);
    }
  }
}
