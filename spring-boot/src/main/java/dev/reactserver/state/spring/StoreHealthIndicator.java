package dev.reactserver.state.spring;

import dev.reactserver.state.runtime.StateException;
import dev.reactserver.state.runtime.StateId;
import dev.reactserver.state.runtime.Store;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Up when the store answers a read of one state (a round trip on a server store, within its command
 * timeout), down with the exception when it does not.
 */
public final class StoreHealthIndicator implements HealthIndicator {

  private static final StateId PROBE = StateId.of("reactserver.spring", "health");

  private final Store store;

  /** Health of {@code store}. */
  public StoreHealthIndicator(Store store) {
    this.store = store;
  }

  @Override
  public Health health() {
    Health.Builder health = Health.unknown().withDetail("store", store.toString());
    try {
      store.hasState(PROBE);
      return health.up().build();
    } catch (StateException e) {
      return health.down(e).build();
    }
  }
}
