package dev.reactserver.state.remote.spi;

import dev.reactserver.state.runtime.StoreUnavailableException;
import java.lang.System.Logger.Level;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs a store's sweep of expired clients on a thread of its own, every quarter of the idle timeout (at
 * least every 50 ms, so that a short timeout in tests does not spin). Every node sweeps; each store
 * makes one sweep safe to run on several nodes at once. A failed sweep is logged (an outage once at
 * WARNING, then at DEBUG until a sweep succeeds: the application's own calls report the outage too) and
 * the next one tries again.
 */
final class IdleClientSweeper implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger("dev.reactserver.state");
  private static final long MIN_PERIOD_MILLIS = 50;

  private final ScheduledExecutorService executor;
  private final Runnable sweep;
  private final String store;
  private volatile boolean failing;

  IdleClientSweeper(String name, String store, long idleMillis, Runnable sweep) {
    this.sweep = sweep;
    this.store = store;
    this.executor = Executors.newSingleThreadScheduledExecutor(task -> {
      Thread thread = new Thread(task, "reactserver-state-sweeper-" + name);
      thread.setDaemon(true);
      return thread;
    });
    long every = Math.max(idleMillis / 4, MIN_PERIOD_MILLIS);
    executor.scheduleWithFixedDelay(this::sweepOnce, every, every, TimeUnit.MILLISECONDS);
  }

  private void sweepOnce() {
    try {
      sweep.run();
      failing = false;
    } catch (StoreUnavailableException e) {
      LOG.log(failing ? Level.DEBUG : Level.WARNING,
          "ending idle clients of " + store + " failed; the next sweep tries again", e);
      failing = true;
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "ending idle clients of " + store + " failed; the next sweep tries again", e);
    }
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
