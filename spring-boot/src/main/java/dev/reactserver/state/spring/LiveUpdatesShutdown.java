package dev.reactserver.state.spring;

import org.springframework.context.SmartLifecycle;

/**
 * Ends the live streams first when the application stops: a web server's graceful shutdown waits for
 * open requests, and a live stream stays open until the browser leaves.
 */
final class LiveUpdatesShutdown implements SmartLifecycle {

  private final LiveUpdates live;
  private volatile boolean running;

  LiveUpdatesShutdown(LiveUpdates live) {
    this.live = live;
  }

  @Override
  public void start() {
    running = true;
  }

  @Override
  public void stop() {
    running = false;
    live.close();
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  /** Stopped before every other phase, the web server's graceful shutdown included. */
  @Override
  public int getPhase() {
    return Integer.MAX_VALUE;
  }
}
