package dev.reactserver.state.remote.spi;

import dev.reactserver.state.remote.JsonCodecs;
import dev.reactserver.state.runtime.StoreMetrics;
import dev.reactserver.state.runtime.StoreOptions;
import java.time.Duration;
import java.util.Objects;

/**
 * The settings every server store shares; each store's builder extends it.
 *
 * @param <B> the store's builder
 */
public abstract class RemoteStoreBuilder<B extends RemoteStoreBuilder<B>> {

  /** How many times {@code update} tries by default before it gives up. */
  public static final int DEFAULT_UPDATE_ATTEMPTS = 100;

  Duration idleClientTimeout = StoreOptions.DEFAULT_IDLE_CLIENT_TIMEOUT;
  Duration commandTimeout = Duration.ofSeconds(2);
  JsonCodecs codecs = JsonCodecs.strict();
  int updateAttempts = DEFAULT_UPDATE_ATTEMPTS;
  boolean resetUndecodable;
  StoreMetrics metrics = StoreMetrics.NONE;

  protected RemoteStoreBuilder() {}

  /**
   * Client states not bound or touched for {@code timeout} are removed by the server; 30 minutes by
   * default, like the in-memory store.
   *
   * @throws IllegalArgumentException if {@code timeout} is not positive
   */
  public B idleClientTimeout(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero() || timeout.toMillis() == 0) {
      throw new IllegalArgumentException("idle client timeout must be at least 1 ms, but was " + timeout);
    }
    this.idleClientTimeout = timeout;
    return self();
  }

  /**
   * How long a call waits for the server (a connection, an answer) before it fails with a
   * {@code StoreUnavailableException}; 2 seconds by default.
   *
   * @throws IllegalArgumentException if {@code timeout} is not positive
   */
  public B commandTimeout(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("command timeout must be positive, but was " + timeout);
    }
    this.commandTimeout = timeout;
    return self();
  }

  /**
   * Tells {@code metrics} of every call to the server (timed, by operation), writes, update retries
   * and listener failures; {@link StoreMetrics#NONE} by default.
   */
  public B metrics(StoreMetrics metrics) {
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    return self();
  }

  /** Client states stay until {@code endClient}. */
  public B noIdleClientTimeout() {
    this.idleClientTimeout = null;
    return self();
  }

  /** How values are turned into JSON; {@link JsonCodecs#strict()} by default. */
  public B codecs(JsonCodecs codecs) {
    this.codecs = Objects.requireNonNull(codecs, "codecs");
    return self();
  }

  /**
   * How many times an optimistic {@code update} tries before it throws a
   * {@code StateConflictException}; {@value #DEFAULT_UPDATE_ATTEMPTS} by default. With more than 3, an
   * update whose third attempt lost too holds its state on the server for its fourth (other writers
   * wait), so that writers that never pause cannot starve it.
   *
   * @throws IllegalArgumentException if {@code attempts} is less than 1
   */
  public B updateAttempts(int attempts) {
    if (attempts < 1) {
      throw new IllegalArgumentException("update attempts must be at least 1, but was " + attempts);
    }
    this.updateAttempts = attempts;
    return self();
  }

  /**
   * Whether a stored value that no longer decodes as its declared type (the field's type changed) is
   * replaced by the binding component's initial value, with a warning in the log; by default it fails
   * with a {@code StateCodecException} instead, and the value stays.
   */
  public B resetUndecodableStates(boolean reset) {
    this.resetUndecodable = reset;
    return self();
  }

  /** This builder, typed as the store's. */
  protected abstract B self();
}
